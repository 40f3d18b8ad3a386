namespace EdgeScaler.Host.Cli;

/// <summary>Dispatches argv to a verb; prints usage and returns 2 for unknown verbs and bad flags.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        if (argv.Length == 0 || argv[0] is "--help" or "-h" or "help")
        {
            if (argv.Length > 1 && Find(argv[1]) is { } v) { stdout.Write(v.Usage); return ExitCodes.Ok; }
            if (argv.Length > 1) { stderr.WriteLine($"edgescaler: unknown verb '{argv[1]}'"); stderr.Write(MainUsage()); return ExitCodes.Usage; }
            (argv.Length == 0 ? stderr : stdout).Write(MainUsage());
            return argv.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }
        if (argv[0] is "--version") argv[0] = "version";

        var verb = Find(argv[0]);
        if (verb is null)
        {
            stderr.WriteLine($"edgescaler: unknown verb '{argv[0]}'");
            stderr.Write(MainUsage());
            return ExitCodes.Usage;
        }
        var rest = argv.AsSpan(1).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h")) { stdout.Write(verb.Usage); return ExitCodes.Ok; }
        try
        {
            return await verb.RunAsync(new VerbContext(rest, stdout, stderr));
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"edgescaler {verb.Name}: {e.Message}");
            stderr.Write(verb.Usage);
            return ExitCodes.Usage;
        }
    }

    private static Verb? Find(string name) => Verbs.All.FirstOrDefault(v => v.Name == name);

    public static string MainUsage()
    {
        var w = new StringWriter();
        w.WriteLine("Usage: edgescaler <verb> [options]");
        w.WriteLine();
        w.WriteLine("Thermal-aware autoscaler and metrics.k8s.io server for k3s clusters of ARM boards.");
        w.WriteLine();
        w.WriteLine("Verbs:");
        var width = Verbs.All.Max(v => v.Name.Length) + 2;
        foreach (var v in Verbs.All) w.WriteLine($"  {v.Name.PadRight(width)}{v.Summary}");
        w.WriteLine();
        w.WriteLine("Run 'edgescaler <verb> --help' for a verb's options.");
        return w.ToString();
    }

}
