namespace EdgeScaler.Host.Cli;

/// <summary>One CLI verb: its name, a one-line summary for --help, a usage block, and what it runs.</summary>
public sealed record Verb(string Name, string Summary, string Usage, Func<VerbContext, Task<int>> RunAsync);

/// <summary>What a verb gets: the arguments after the verb, and where to write.</summary>
public sealed record VerbContext(IReadOnlyList<string> Argv, TextWriter Out, TextWriter Error)
{
    /// <summary>Parses this verb's flags; unknown flags throw <see cref="UsageException"/> (exit 2 with usage).</summary>
    public Args Parse(string[] valueFlags, string[] switchFlags) => Args.Parse(Argv, valueFlags, switchFlags);
}
