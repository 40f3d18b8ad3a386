namespace EdgeScaler.Simulation.Services;

using EdgeScaler.MetricsApi;
using EdgeScaler.Panel;
using EdgeScaler.Simulation.Engine;
using Microsoft.Extensions.Logging;

/// <summary>
/// The real services a simulation runs next to the simulated cluster: the metrics API (loopback HTTPS), MQTT
/// telemetry (embedded broker or --mqtt) and the virtual panel. Started before the main run, stopped at the end.
/// </summary>
internal sealed class SimulationServices : IAsyncDisposable
{
    private readonly List<string> _descriptions = [];
    private readonly List<IAsyncDisposable> _owned = [];

    public IEnumerable<string> Describe() => _descriptions;

    /// <summary>Where the metrics API listens (https://127.0.0.1:PORT).</summary>
    public Uri? MetricsAddress { get; private set; }

    public SimulationTelemetry? Telemetry { get; private set; }

    public SimulationPanel? Panel { get; private set; }

    /// <summary>Starts every service; on failure prints why and returns null (after stopping what did start).</summary>
    public static async Task<SimulationServices?> StartAsync(SimulationOptions options, Simulator sim, SimulatedOverrides overrides,
        Action<LogLevel, string> log, TextWriter error, CancellationToken cancel)
    {
        var services = new SimulationServices();
        var clock = new SimulationClock(() => sim.Now);
        var what = "the metrics API on " + (options.MetricsAddress ?? "127.0.0.1");
        try
        {
            var metrics = await StartMetricsApiAsync(options, sim, cancel);
            services._owned.Add(metrics);
            var address = metrics.Address.GetLeftPart(UriPartial.Authority);
            services.MetricsAddress = new Uri(address);
            // Any token will do (the server is anonymous); without one kubectl stops to prompt for a username.
            services._descriptions.Add($"metrics API: {address}  (kubectl --server {address} --insecure-skip-tls-verify --token=sim get --raw /apis/metrics.k8s.io/v1beta1/pods)");

            if (!options.NoMqtt)
            {
                what = options.Mqtt is null ? "the embedded MQTT broker" : $"MQTT telemetry to {options.Mqtt}";
                var telemetry = await SimulationTelemetry.StartAsync(options.Mqtt, sim, overrides, clock, new SimulationLog("mqtt", LogLevel.Warning, log), cancel);
                services._owned.Add(telemetry);
                services.Telemetry = telemetry;
                sim.AddObserver(telemetry);
                var uri = new Uri(telemetry.BrokerUri);
                var hostPort = $"-h {uri.Host} -p {(uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port)}";
                var watch = $"mosquitto_sub {hostPort} -t '{telemetry.Prefix}/#' -v";
                if (telemetry.Embedded)
                    services._descriptions.Add($"MQTT: {telemetry.BrokerUri} (embedded broker)  ({watch})");
                else if (await telemetry.WaitConnectedAsync(TimeSpan.FromSeconds(3), cancel))
                    services._descriptions.Add($"MQTT: {telemetry.BrokerUri}  ({watch})");
                else
                    services._descriptions.Add($"MQTT: {telemetry.BrokerUri} does not answer yet; telemetry keeps retrying in the background");
                services._descriptions.Add($"MQTT commands: mosquitto_pub {hostPort} -t '{telemetry.Prefix}/scaler/<ns>/<hpa>/set' -m '{{\"replicas\":N}}' (or '{{\"mode\":\"auto\"}}')");
            }

            what = "the virtual panel";
            services.Panel = await SimulationPanel.StartAsync(sim, overrides, clock, new SimulationLog<PanelService>("panel", LogLevel.Warning, log), cancel);
            services._owned.Add(services.Panel);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"edgescaler simulate: cannot start {what}: {Innermost(e).Message}");
            await services.DisposeAsync();
            return null;
        }
        return services;
    }

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
