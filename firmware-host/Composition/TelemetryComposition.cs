namespace EdgeScaler.Host.Composition;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Host.Agent;
using EdgeScaler.Host.Commands;
using EdgeScaler.MetricsApi.Cluster;
using EdgeScaler.Scaler;
using EdgeScaler.Telemetry;
using EdgeScaler.Telemetry.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The telemetry area in `run`: MQTT publishing (off until `mqtt.brokerUri` or `mqtt.embeddedBroker` is set) of this
/// node's state once per `mqtt.interval`, and of every Scaler decision; commands go to the Scaler's override sink,
/// checked against the HPAs the controller has cached, and are applied only while this agent holds the lease.
/// </summary>
public static class TelemetryComposition
{
    public static IHostApplicationBuilder AddMqttTelemetry(this IHostApplicationBuilder builder, TelemetryOptions options)
    {
        if (!options.Enabled) return builder;
        var services = builder.Services;
        services.AddSingleton<IHpaCatalog>(sp => new ControllerHpaCatalog(sp.GetRequiredService<ScalerRuntime>()));
        services.AddSingleton<ILeadership>(sp =>
        {
            var scaler = sp.GetRequiredService<ScalerRuntime>();
            return new DelegateLeadership(() => scaler.Options.Enabled && scaler.Elector?.HoldsLease == true);
        });
        services.AddEdgeScalerTelemetry(options, NodeIdentity.Name(), VersionCommand.Version);
        services.AddHostedService<NodeStateTelemetryPump>();
        services.AddHostedService<DecisionTelemetryPump>();
        return builder;
    }
}

/// <summary>The HPAs the controller's cache holds, with their bounds as the spec says (minReplicas defaults to 1).</summary>
internal sealed class ControllerHpaCatalog(ScalerRuntime scaler) : IHpaCatalog
{
    public bool TryGetBounds(HpaRef hpa, out HpaBounds bounds)
    {
        bounds = default;
        if (scaler.Controller?.CachedHpa(hpa) is not { Spec: { } spec }) return false;
        bounds = new HpaBounds(spec.MinReplicas ?? 1, spec.MaxReplicas);
        return true;
    }
}

/// <summary>Turns each new node sample into node state (classified heat, the node rate from the cluster view), at most once per interval.</summary>
internal sealed class NodeStateTelemetryPump(NodeThermalTracker thermal, NodeSampleFeed feed, ClusterMetricsStore store, ITelemetryPublisher telemetry,
    TelemetryOptions options, ILogger<NodeStateTelemetryPump> logger) : IHostedService
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        thermal.Updated += OnThermal;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        thermal.Updated -= OnThermal;
        return Task.CompletedTask;
    }

    private void OnThermal(EdgeScaler.Core.Thermal.NodeThermal current)
    {
        if (current.Timestamp - _last < options.Interval - TimeSpan.FromMilliseconds(500)) return;
        _last = current.Timestamp;
        try
        {
            // The cluster view already holds this sample's node rate (ClusterViewFeeder stores it before classifying heat).
            var usage = store.Local.Node is { } node && node.Timestamp == current.Timestamp ? node : null;
            telemetry.PublishNodeState(current, usage, feed.Current.Latest?.Counters.Pods.Count ?? 0);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("MQTT node state not published: {Error}", e.Message);
        }
    }
}

/// <summary>Every Scaler decision to `scaler/&lt;ns&gt;/&lt;hpa&gt;/state` (and a `scale` event when replicas or mode change).</summary>
internal sealed class DecisionTelemetryPump(ScalerRuntime scaler, ITelemetryPublisher telemetry, ILogger<DecisionTelemetryPump> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (scaler.Controller is { } c) c.Decided += OnDecided;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (scaler.Controller is { } c) c.Decided -= OnDecided;
        return Task.CompletedTask;
    }

    private void OnDecided(ScaleDecision decision)
    {
        try { telemetry.PublishDecision(decision); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("MQTT decision for {Hpa} not published: {Error}", decision.Hpa, e.Message);
        }
    }
}

/// <summary>Overrides made on this node (the panel) go to the Scaler and are reported as MQTT events.</summary>
internal sealed class ReportingOverrideSink(IOverrideSink inner, ITelemetryPublisher? telemetry) : IOverrideSink
{
    public async ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default)
    {
        var result = await inner.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
        telemetry?.PublishOverride(request, result);
        return result;
    }
}
