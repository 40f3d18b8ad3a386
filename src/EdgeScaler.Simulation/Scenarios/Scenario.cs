namespace EdgeScaler.Simulation.Scenarios;

using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Thermal;

/// <summary>What the thermal policy does for a workload (the <c>edgescaler.io/thermal-policy</c> annotation).</summary>
public enum ThermalPolicyName { Hold, Shed, Ignore }

/// <summary>A parsed, validated scenario: a cluster, its workloads and its weather. See boards/scenarios/README.md.</summary>
public sealed record Scenario(
    string Name,
    string Description,
    TimeSpan Duration,
    TimeSpan Tick,
    DateTimeOffset Start,
    ulong Seed,
    Curve Ambient,
    IReadOnlyList<NodeSpec> Nodes,
    IReadOnlyList<WorkloadSpec> Workloads)
{
    /// <summary>The same scenario with every workload's thermal policy forced (for `--policy` and the comparison runs).</summary>
    public Scenario WithPolicy(ThermalPolicyName policy) =>
        this with { Workloads = [.. Workloads.Select(w => w with { Hpa = w.Hpa with { Policy = policy } })] };
}

/// <summary>One simulated board. Thermal numbers come from the board's catalog entry unless the scenario overrides them.</summary>
public sealed record NodeSpec(
    string Name,
    BoardThermalModel Board,
    Cooling Cooling,
    CoolingParameters Heat,
    double SystemCpuCores,
    double? InitialCelsius);

public sealed record PodSpec(
    long CpuRequestMilli,
    long? CpuLimitMilli,
    long MemoryRequestBytes,
    long MemoryWorkingSetBytes,
    double IdleCpuCores,
    TimeSpan StartupDelay,
    TimeSpan ReadinessDelay);

public sealed record ScalingPolicySpec(string Type, int Value, int PeriodSeconds);

public sealed record ScalingRulesSpec(int? StabilizationWindowSeconds, string? SelectPolicy, IReadOnlyList<ScalingPolicySpec>? Policies);

public sealed record BehaviorSpec(ScalingRulesSpec? ScaleUp, ScalingRulesSpec? ScaleDown);

public sealed record ScenarioHpa(
    int MinReplicas,
    int MaxReplicas,
    int TargetCpuUtilization,
    ThermalPolicyName Policy,
    BehaviorSpec? Behavior);

/// <summary>
/// A Deployment behind a Service with an HPA. Each request costs <see cref="CpuSecondsPerRequest"/> core-seconds at
/// the board's top clock (more when throttled). Requests that would wait longer than <see cref="Timeout"/> are dropped.
/// </summary>
public sealed record WorkloadSpec(
    string Name,
    string Namespace,
    double CpuSecondsPerRequest,
    TimeSpan Timeout,
    double Noise,
    int InitialReplicas,
    PodSpec Pod,
    Curve Demand,
    ScenarioHpa Hpa);
