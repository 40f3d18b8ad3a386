namespace EdgeScaler.Simulation.Scenarios;

/// <summary>A scenario that cannot run. Each error names the file and the JSON path to the bad field.</summary>
public sealed class ScenarioException(string source, IReadOnlyList<string> errors)
    : Exception($"{source}: {errors.Count} error(s) in scenario:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public string File { get; } = source;
    public IReadOnlyList<string> Errors { get; } = errors;
}
