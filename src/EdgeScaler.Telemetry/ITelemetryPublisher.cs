namespace EdgeScaler.Telemetry;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>
/// What the rest of the agent tells telemetry. Calls never block on the network: state is coalesced (latest wins)
/// and events are journaled to disk, then published by a background loop.
/// </summary>
public interface ITelemetryPublisher
{
    /// <summary>This node's state for `&lt;prefix&gt;/&lt;node&gt;/state` (call once per interval).</summary>
    void PublishNodeState(NodeThermal thermal, NodeUsage? usage, int podCount);

    /// <summary>One reconcile result: updates `scaler/&lt;ns&gt;/&lt;hpa&gt;/state`, and journals a `scale` event when the
    /// replicas or the mode change.</summary>
    void PublishDecision(ScaleDecision decision);

    /// <summary>An override from the panel or the CLI (MQTT commands are reported by telemetry itself).</summary>
    void PublishOverride(OverrideRequest request, OverrideResult result);
}

/// <summary>Counters for `doctor`, `/metrics` and tests.</summary>
public sealed record TelemetryStats(
    bool Connected,
    long Connects,
    long StatesPublished,
    long EventsPublished,
    int EventsPending,
    long EventsDropped,
    long CommandsAccepted,
    long CommandsRejected,
    long CommandsRedelivered = 0);
