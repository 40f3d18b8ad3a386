namespace EdgeScaler.Core.Hpa;

/// <summary>
/// kube-controller-manager's HPA flags, with its defaults: tolerance 0.1, CPU initialization period 5m,
/// initial readiness delay 30s, downscale stabilization window 5m.
/// </summary>
public sealed record HpaSettings(
    double Tolerance = 0.1,
    TimeSpan? CpuInitializationPeriod = null,
    TimeSpan? InitialReadinessDelay = null,
    TimeSpan? DownscaleStabilizationWindow = null,
    bool PodLevelResources = false)
{
    public static readonly HpaSettings Default = new();

    public TimeSpan CpuInitialization => CpuInitializationPeriod ?? TimeSpan.FromMinutes(5);
    public TimeSpan ReadinessDelay => InitialReadinessDelay ?? TimeSpan.FromSeconds(30);
    public TimeSpan DownscaleWindow => DownscaleStabilizationWindow ?? TimeSpan.FromMinutes(5);
}
