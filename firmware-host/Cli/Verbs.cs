namespace EdgeScaler.Host.Cli;

using EdgeScaler.Host.Commands;

/// <summary>The verbs `edgescaler` offers. Only verbs that work are listed here.</summary>
public static class Verbs
{
    public static readonly IReadOnlyList<Verb> All =
    [
        VersionCommand.Verb,
        DoctorCommand.Verb,
        CheckConfigCommand.Verb,
        RunCommand.Verb,
        SampleCommand.Verb,
        SimulateCommand.Verb,
        OverrideCommand.Verb,
        ExplainCommand.Verb,
    ];
}
