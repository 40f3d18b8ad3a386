namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Panel.Control;
using EdgeScaler.Panel.Leds;

/// <summary>
/// The panel's three LED patterns at a simulated instant, from the panel's own LED table
/// (<see cref="LedPatterns.Compute"/>, docs/panel.md) on the simulated agent status. Patterns, not levels: a blink is
/// recorded as "slow", not as whichever half of the blink the tick fell on, so the timeline stays deterministic.
/// </summary>
public sealed class PanelLeds(Func<AgentStatus, HpaRef?> target, Func<PanelIndication> indication)
{
    public static readonly string[] Names = ["green", "amber", "red"];

    private readonly Dictionary<LedFrame, LedReading[]> _readings = [];

    /// <summary>No live panel: the target a panel without configured targets would pick, no recent press.</summary>
    public static PanelLeds Default()
    {
        var targets = new TargetSelector([]);
        return new PanelLeds(targets.Current, static () => PanelIndication.None);
    }

    /// <summary>The LEDs of a running panel: its selected target and the answer to its last press.</summary>
    public static PanelLeds Of(PanelController controller) => new(controller.Targets.Current, () => controller.Indication);

    public LedFrame Frame(AgentStatus status, DateTimeOffset now) => LedPatterns.Compute(status, target(status), indication(), now);

    public IReadOnlyList<LedReading> Read(AgentStatus status, DateTimeOffset now)
    {
        var frame = Frame(status, now);
        if (!_readings.TryGetValue(frame, out var r))
            _readings[frame] = r = [new(Names[0], frame.Green.ToString()), new(Names[1], frame.Amber.ToString()), new(Names[2], frame.Red.ToString())];
        return r;
    }
}
