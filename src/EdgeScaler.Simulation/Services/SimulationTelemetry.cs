namespace EdgeScaler.Simulation.Services;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Telemetry;
using EdgeScaler.Telemetry.Broker;
using EdgeScaler.Telemetry.Commands;
using Microsoft.Extensions.Logging;

/// <summary>
/// MQTT telemetry of the simulated cluster through the real telemetry library, shaped as a real cluster's would be:
/// one <see cref="MqttTelemetry"/> per simulated node (its own client, availability with a Will, and
/// `&lt;prefix&gt;/&lt;node&gt;/state`), and the first node acting as the Scaler leader, which publishes every HPA's
/// state and scale events and takes `&lt;prefix&gt;/scaler/&lt;ns&gt;/&lt;hpa&gt;/set` commands into the simulation's
/// override path. Node state goes out once per metrics interval (15 simulated seconds) and HPA state once per sync;
/// both are latest-wins slots, so at full speed the broker sees the newest state as fast as it can take it, not a
/// backlog. Scale events are journaled and all delivered (QoS 1), as on a node.
/// </summary>
internal sealed class SimulationTelemetry : ISimulationObserver, IAsyncDisposable
{
    public const string Cluster = "sim";

    private readonly List<MqttTelemetry> _agents = [];
    private readonly Dictionary<SimWorkload, ScaleDecision> _published = [];
    private readonly string _journalRoot;
    private EmbeddedBroker? _broker;

    private SimulationTelemetry(string journalRoot) => _journalRoot = journalRoot;

    /// <summary>mqtt://host:port the simulation publishes to.</summary>
    public string BrokerUri { get; private set; } = "";

    public bool Embedded => _broker is not null;

    /// <summary>The topic prefix, edgescaler/sim.</summary>
    public string Prefix => _agents[0].Topics.Prefix;

    /// <summary>The node that leads: it publishes HPA state and events and answers commands.</summary>
    public MqttTelemetry Leader => _agents[0];

    public long StatesPublished => _agents.Sum(a => a.Stats.StatesPublished);

    public long EventsPublished => _agents.Sum(a => a.Stats.EventsPublished);

    /// <param name="externalBroker">mqtt://host:port, or null to start the embedded broker on a free loopback port.</param>
    public static async Task<SimulationTelemetry> StartAsync(string? externalBroker, Simulator sim, SimulatedOverrides overrides,
        TimeProvider clock, ILogger logger, CancellationToken cancel)
    {
        var root = Path.Combine(Path.GetTempPath(), $"edgescaler-simulate-mqtt-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        var telemetry = new SimulationTelemetry(root);
        try
        {
            if (externalBroker is null)
            {
                telemetry._broker = await EmbeddedBroker.StartAsync(0, logger, cancel);
                telemetry.BrokerUri = telemetry._broker.Uri;
            }
            else telemetry.BrokerUri = externalBroker;

            foreach (var node in sim.Cluster.Nodes)
            {
                var options = new TelemetryOptions
                {
                    BrokerUri = telemetry.BrokerUri,
                    Cluster = Cluster,
                    // Unique per run, so two simulations on one broker do not take over each other's sessions.
                    ClientId = $"edgescaler-{Cluster}-{node.Name}-{Environment.ProcessId}",
                    JournalPath = Path.Combine(root, node.Name),
                    // The simulated boards do not die, and --hold-open should still show their last state to a late subscriber.
                    StateExpiry = TimeSpan.FromHours(1),
                    SessionExpiry = TimeSpan.FromMinutes(1),
                    ReconnectMax = TimeSpan.FromSeconds(10),
                };
                var leads = telemetry._agents.Count == 0;
                var agent = leads
                    ? new MqttTelemetry(options, node.Name, overrides, overrides, DelegateLeadership.Always, clock, logger, "simulate")
                    : new MqttTelemetry(options, node.Name, time: clock, logger: logger, softwareVersion: "simulate");
                telemetry._agents.Add(agent);
                await agent.StartAsync(cancel);
            }
            // Panel and CLI overrides are reported by whoever made them; MQTT commands are reported by telemetry itself.
            overrides.Submitted += (request, result) =>
            {
                if (request.Source != OverrideSource.Mqtt) telemetry.Leader.PublishOverride(request, result);
            };
            telemetry.PublishNodes(sim.Cluster, sim.Now);
            return telemetry;
        }
        catch
        {
            await telemetry.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the leader's connection; false when the broker is not reachable yet.</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Leader.Stats.Connected)
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(20, cancel);
        }
        return true;
    }

    public void OnTick(SimulatedCluster cluster, TickRecord tick)
    {
        if (tick.Elapsed.Ticks % Simulator.MetricResolution.Ticks == 0) PublishNodes(cluster, tick.Time);
        foreach (var w in cluster.Workloads)
        {
            if (w.LastDecision is not { } d || (_published.TryGetValue(w, out var last) && ReferenceEquals(last, d))) continue;
            _published[w] = d;
            Leader.PublishDecision(d);
        }
    }

    private void PublishNodes(SimulatedCluster cluster, DateTimeOffset now)
    {
        var usage = ((IClusterMetrics)cluster).Nodes();
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            var n = cluster.Nodes[i];
            NodeUsage? u = null;
            foreach (var x in usage) if (x.NodeName == n.Name) { u = x; break; }
            var thermal = new NodeThermal(n.Name, now, [new ZoneTemperature("cpu-thermal", n.Celsius)], n.Celsius, n.Flags,
                n.Clock.FrequencyMHz * 1000L, n.Board.Throttle.MaxMHz * 1000L, n.State);
            _agents[i].PublishNodeState(thermal, u, n.Workloads(cluster).Count());
        }
    }

    /// <summary>Delivers what is pending (a few seconds at most), says offline, disconnects every node, stops the broker.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_agents.Select(a => a.DisposeAsync().AsTask()));
        _agents.Clear();
        if (_broker is not null) await _broker.DisposeAsync();
        _broker = null;
        try { if (Directory.Exists(_journalRoot)) Directory.Delete(_journalRoot, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
