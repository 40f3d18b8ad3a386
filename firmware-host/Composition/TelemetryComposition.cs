namespace EdgeScaler.Host.Composition;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Host.Agent;
using EdgeScaler.Host.Commands;
using EdgeScaler.Node;
using EdgeScaler.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The telemetry area in `run`: MQTT publishing (off until `mqtt.brokerUri` or `mqtt.embeddedBroker` is set) and a
/// pump from this node's samples to `&lt;prefix&gt;/&lt;node&gt;/state` once per `mqtt.interval`.
/// </summary>
public static class TelemetryComposition
{
    public static IHostApplicationBuilder AddMqttTelemetry(this IHostApplicationBuilder builder, TelemetryOptions options)
    {
        if (!options.Enabled) return builder;
        builder.Services.AddEdgeScalerTelemetry(options, NodeIdentity.Name(), VersionCommand.Version);
        builder.Services.AddHostedService<NodeStateTelemetryPump>();
        return builder;
    }
}

/// <summary>This node's name: NODE_NAME (the downward API in a pod, or the unit's Environment=), else the host name.</summary>
internal static class NodeIdentity
{
    public static string Name() =>
        Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } n ? n : Environment.MachineName.ToLowerInvariant();
}

/// <summary>Turns each new node sample into node state, at most once per interval (state topics are latest-wins anyway).</summary>
internal sealed class NodeStateTelemetryPump(NodeSampleFeed feed, ITelemetryPublisher telemetry, TelemetryOptions options, ILogger<NodeStateTelemetryPump> logger)
    : IHostedService
{
    private readonly string _node = NodeIdentity.Name();
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Sampled += OnSampled;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Sampled -= OnSampled;
        return Task.CompletedTask;
    }

    private void OnSampled(NodeSampleFeed.SamplePair pair)
    {
        if (pair.Latest is not { } latest || latest.Timestamp - _last < options.Interval - TimeSpan.FromMilliseconds(500)) return;
        _last = latest.Timestamp;
        try
        {
            NodeUsage? usage = null;
            if (pair.Previous is { } previous)
            {
                var rates = UsageRates.Compute(previous.Counters, latest.Counters);
                if (rates.NodeUsage is { } u) usage = new NodeUsage(_node, rates.Timestamp, rates.Window, u);
            }
            telemetry.PublishNodeState(ToThermal(latest), usage, latest.Counters.Pods.Count);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("MQTT node state not published: {Error}", e.Message);
        }
    }

    private NodeThermal ToThermal(NodeSample s)
    {
        var zones = new List<ZoneTemperature>(s.Thermal.Zones.Count);
        foreach (var z in s.Thermal.Zones)
            if (z.Celsius is { } c) zones.Add(new ZoneTemperature(z.Type, c));
        var policy0 = s.Thermal.CpuFreq.Count > 0 ? s.Thermal.CpuFreq[0] : null;
        // The thermal state (hysteresis, board limits) belongs to the Scaler's thermal policy; until it feeds
        // telemetry the state is reported as unknown rather than guessed here.
        return new NodeThermal(_node, s.Timestamp, zones, s.Thermal.HottestCelsius, s.Thermal.Flags,
            policy0?.CurrentKHz, policy0?.MaxKHz, ThermalState.Unknown);
    }
}
