namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Thermal;

/// <summary>One node at one tick.</summary>
public readonly record struct NodeTick(double Celsius, ThermalState State, int FrequencyMHz, double Utilization, bool Throttled, double HotLimitCelsius);

/// <summary>One workload at one tick. Rates are per second; <see cref="Dropped"/> is a count for this tick.</summary>
public readonly record struct WorkloadTick(
    double Demand, double Served, double Dropped, double LatencyMs, int ReadyReplicas, int Replicas, int Desired, string Reason);

/// <summary>Everything recorded about one tick (one row of timeline.csv).</summary>
public sealed record TickRecord(
    TimeSpan Elapsed,
    DateTimeOffset Time,
    double AmbientCelsius,
    NodeTick[] Nodes,
    WorkloadTick[] Workloads,
    IReadOnlyList<LedReading> Leds);

/// <summary>One LED of the virtual panel as the timeline records it (e.g. "thermal" = "blink-fast").</summary>
public readonly record struct LedReading(string Name, string State);
