namespace EdgeScaler.Simulation.Services;

/// <summary>
/// The simulated clock as a <see cref="TimeProvider"/> for the real telemetry and panel code: "now" is simulated time,
/// so an MQTT command's `"for": "30m"` or a panel pin lasts 30 simulated minutes and every event carries the time the
/// simulation was at. Timers and timestamps stay on the wall clock: reconnect backoff, debounce and hold timing are
/// about people and networks, not the simulated boards.
/// </summary>
internal sealed class SimulationClock(Func<DateTimeOffset> now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now();
}
