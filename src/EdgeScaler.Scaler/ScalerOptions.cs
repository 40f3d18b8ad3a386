namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Configuration;
using EdgeScaler.Core.Units;

/// <summary>The `scaler` config section: the HPA controller's flags, leader election and where its state lives.</summary>
public sealed class ScalerOptions : IValidatedOptions
{
    /// <summary>Run the HPA controller on this node (it still only scales while it holds the leader lease).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often every HPA is reconciled (kube-controller-manager's --horizontal-pod-autoscaler-sync-period).</summary>
    public TimeSpan SyncPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Ratio band around 1.0 in which no scaling happens (--horizontal-pod-autoscaler-tolerance).</summary>
    public double Tolerance { get; set; } = 0.1;

    /// <summary>Pods younger than this have their CPU samples treated with care (--horizontal-pod-autoscaler-cpu-initialization-period).</summary>
    public TimeSpan CpuInitializationPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>--horizontal-pod-autoscaler-initial-readiness-delay.</summary>
    public TimeSpan InitialReadinessDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Scale-down stabilization window for HPAs that set none (--horizontal-pod-autoscaler-downscale-stabilization).</summary>
    public TimeSpan DownscaleStabilization { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Leader election: the coordination.k8s.io/v1 Lease only its holder scales under.</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>ConfigMap (in the lease's namespace) that carries recommendation/scale-event history across leader changes.</summary>
    public string HistoryConfigMap { get; set; } = "edgescaler-hpa-history";

    /// <summary>Directory for local state (the override journal).</summary>
    public string StateDirectory { get; set; } = "/var/lib/edgescaler";

    /// <summary>Override journal file; empty = "overrides.json" in <see cref="StateDirectory"/>.</summary>
    public string JournalPath { get; set; } = "";

    public string EffectiveJournalPath => JournalPath.Length > 0 ? JournalPath : Path.Combine(StateDirectory, "overrides.json");

    public IEnumerable<OptionProblem> Validate()
    {
        if (SyncPeriod < TimeSpan.FromSeconds(1) || SyncPeriod > TimeSpan.FromHours(1))
            yield return new("syncPeriod", GoDuration.Format(SyncPeriod), "a duration from 1s to 1h");
        if (!(Tolerance >= 0 && Tolerance < 1))
            yield return new("tolerance", Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture), "a number from 0 (inclusive) to 1 (exclusive), e.g. 0.1");
        if (CpuInitializationPeriod < TimeSpan.Zero)
            yield return new("cpuInitializationPeriod", GoDuration.Format(CpuInitializationPeriod), "a duration of 0s or more");
        if (InitialReadinessDelay < TimeSpan.Zero)
            yield return new("initialReadinessDelay", GoDuration.Format(InitialReadinessDelay), "a duration of 0s or more");
        if (DownscaleStabilization < TimeSpan.Zero || DownscaleStabilization > TimeSpan.FromHours(1))
            yield return new("downscaleStabilization", GoDuration.Format(DownscaleStabilization), "a duration from 0s to 1h");
        if (!IsDnsSubdomain(HistoryConfigMap))
            yield return new("historyConfigMap", $"\"{HistoryConfigMap}\"", "a ConfigMap name (lowercase letters, digits, '-' and '.')");
        if (string.IsNullOrWhiteSpace(StateDirectory))
            yield return new("stateDirectory", $"\"{StateDirectory}\"", "a directory path such as \"/var/lib/edgescaler\"");
        foreach (var p in LeaderElection.Validate())
            yield return p with { Key = "leaderElection." + p.Key };
    }

    internal static bool IsDnsSubdomain(string s) =>
        s.Length is > 0 and <= 253 && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1])
        && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');
}

/// <summary>Leader election settings; the durations are client-go's defaults.</summary>
public sealed class LeaderElectionOptions
{
    public string LeaseName { get; set; } = "edgescaler-scaler";

    public string LeaseNamespace { get; set; } = "kube-system";

    /// <summary>This candidate's name in the Lease; empty = the node's host name.</summary>
    public string Identity { get; set; } = "";

    /// <summary>How long a non-leader waits after the last renew before taking over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that has not renewed for this long stops scaling.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between acquire/renew attempts.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<OptionProblem> Validate()
    {
        if (!ScalerOptions.IsDnsSubdomain(LeaseName)) yield return new("leaseName", $"\"{LeaseName}\"", "a Lease name (lowercase letters, digits, '-' and '.')");
        if (!ScalerOptions.IsDnsSubdomain(LeaseNamespace)) yield return new("leaseNamespace", $"\"{LeaseNamespace}\"", "a namespace name");
        if (RetryPeriod <= TimeSpan.Zero) yield return new("retryPeriod", GoDuration.Format(RetryPeriod), "a positive duration");
        if (RenewDeadline <= RetryPeriod) yield return new("renewDeadline", GoDuration.Format(RenewDeadline), $"a duration longer than retryPeriod ({GoDuration.Format(RetryPeriod)})");
        if (LeaseDuration <= RenewDeadline) yield return new("leaseDuration", GoDuration.Format(LeaseDuration), $"a duration longer than renewDeadline ({GoDuration.Format(RenewDeadline)})");
    }
}
