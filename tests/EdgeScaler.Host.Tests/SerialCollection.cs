namespace EdgeScaler.Host.Tests;

/// <summary>
/// Tests that start agents (in-process hosts or child processes) and wait on their timers: run alone, after the
/// parallel tests, so that on a 2-core machine they neither starve nor are starved by other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "agents (not parallel)";
}
