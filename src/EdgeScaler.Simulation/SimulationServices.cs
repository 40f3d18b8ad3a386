namespace EdgeScaler.Simulation;

using EdgeScaler.MetricsApi;
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
        try
        {
            var metrics = await StartMetricsApiAsync(options, sim, cancel);
            services._owned.Add(metrics);
            var address = metrics.Address.GetLeftPart(UriPartial.Authority);
            services.MetricsAddress = new Uri(address);
            // Any token will do (the server is anonymous); without one kubectl stops to prompt for a username.
            services._descriptions.Add($"metrics API: {address}  (kubectl --server {address} --insecure-skip-tls-verify --token=sim get --raw /apis/metrics.k8s.io/v1beta1/pods)");
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            error.WriteLine($"edgescaler simulate: cannot start the metrics API on {options.MetricsAddress ?? "127.0.0.1"}: {Innermost(e).Message}");
            await services.DisposeAsync();
            return null;
        }
        if (options.Mqtt is not null)
            services._descriptions.Add($"MQTT: telemetry is not wired into the simulation yet; {options.Mqtt} is not used");
        return services;
    }

    /// <summary>Where the metrics API listens (https://127.0.0.1:PORT).</summary>
    public Uri? MetricsAddress { get; private set; }

    /// <summary>The real metrics.k8s.io server on loopback HTTPS, anonymous (loopback only), serving the simulated cluster.</summary>
    private static Task<MetricsApiServer> StartMetricsApiAsync(SimulationOptions options, Simulator sim, CancellationToken cancel)
    {
        var endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0);
        if (options.MetricsAddress is { } a && !SimulationAddresses.TryParseLoopback(a, out endpoint, out var why)) throw new InvalidOperationException(why);
        var apiOptions = new MetricsApiOptions
        {
            ListenAddress = endpoint.Address.ToString(),
            Port = endpoint.Port,
            AllowAnonymous = true,
            // A throwaway self-signed certificate: kubectl is told --insecure-skip-tls-verify anyway.
            CertDirectory = Path.Combine(Path.GetTempPath(), $"edgescaler-simulate-tls-{Environment.UserName}"),
            CertificateDnsNames = ["localhost"],
        };
        return MetricsApiServer.StartAsync(sim.Cluster, apiOptions, MetricsApiSecurity.Anonymous(), cancellationToken: cancel);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
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
