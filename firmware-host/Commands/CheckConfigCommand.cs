namespace EdgeScaler.Host.Commands;

using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Configuration;

/// <summary>`edgescaler check-config`: validates the config file plus environment overrides and lists every problem.</summary>
public static class CheckConfigCommand
{
    public static readonly Verb Verb = new("check-config", "Validate the configuration file and list every problem",
        $"""
        Usage: edgescaler check-config [--config PATH] [--print]

        Reads the configuration file and EDGESCALER__SECTION__KEY environment overrides,
        and reports every problem: its JSON path, the value found and what is expected.
        Unknown keys are errors. Exits 0 when valid, 2 when not.

        Options:
          --config PATH   Config file (default {ConfigLoader.DefaultPath}; when the
                          default file is absent, built-in defaults apply).
          --print         When valid, print the effective configuration as JSON
                          (defaults and overrides applied).
        """ + "\n", RunAsync);

    private static Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["config"], ["print"]);
        args.ExpectPositionals(0, 0);
        var result = ConfigLoader.Load(args.Get("config"));
        if (!result.IsValid)
        {
            ctx.Error.WriteLine($"{result.Path}: {result.Problems.Count} problem{(result.Problems.Count == 1 ? "" : "s")}");
            foreach (var p in result.Problems) ctx.Error.WriteLine($"  {p}");
            return Task.FromResult(ExitCodes.Usage);
        }
        if (args.Has("print")) ctx.Out.WriteLine(ConfigLoader.ToJson(result.Config!));
        else if (result.FileFound) ctx.Out.WriteLine($"{result.Path}: OK");
        else ctx.Out.WriteLine($"{result.Path}: not found; built-in defaults (and any EDGESCALER__ overrides) are OK");
        return Task.FromResult(ExitCodes.Ok);
    }
}
