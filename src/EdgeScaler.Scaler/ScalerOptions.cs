namespace EdgeScaler.Scaler;

using System.Text.Json.Serialization;
using EdgeScaler.Core.Configuration;
using EdgeScaler.Core.Units;

/// <summary>The `scaler` config section: the HPA controller's flags, leader election and where its state lives.</summary>
public sealed class ScalerOptions : IValidatedOptions
{
    /// <summary>Run the HPA controller on this node (it still only scales while it holds the leader lease).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often every HPA is reconciled (kube-controller-manager's --horizontal-pod-autoscaler-sync-period).</summary>
    public string SyncPeriod { get; set; } = "15s";

    /// <summary>Ratio band around 1.0 in which no scaling happens (--horizontal-pod-autoscaler-tolerance).</summary>
    public double Tolerance { get; set; } = 0.1;

    /// <summary>Pods younger than this have their CPU samples treated with care (--horizontal-pod-autoscaler-cpu-initialization-period).</summary>
    public string CpuInitializationPeriod { get; set; } = "5m";

    /// <summary>--horizontal-pod-autoscaler-initial-readiness-delay.</summary>
    public string InitialReadinessDelay { get; set; } = "30s";

    /// <summary>Scale-down stabilization window for HPAs that set none (--horizontal-pod-autoscaler-downscale-stabilization).</summary>
    public string DownscaleStabilization { get; set; } = "5m";

    /// <summary>Leader election: the coordination.k8s.io/v1 Lease only its holder scales under.</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>ConfigMap (in the lease's namespace) that carries recommendation/scale-event history across leader changes.</summary>
    public string HistoryConfigMap { get; set; } = "edgescaler-hpa-history";

    /// <summary>Directory for local state (the override journal).</summary>
    public string StateDirectory { get; set; } = "/var/lib/edgescaler";

    /// <summary>Override journal file; empty = "overrides.json" in <see cref="StateDirectory"/>.</summary>
    public string JournalPath { get; set; } = "";

    [JsonIgnore]
    public string EffectiveJournalPath => JournalPath.Length > 0 ? JournalPath : Path.Combine(StateDirectory, "overrides.json");

    /// <summary>The durations parsed (valid once <see cref="Validate"/> reported nothing).</summary>
    [JsonIgnore]
    public TimeSpan SyncPeriodValue => GoDuration.Parse(SyncPeriod);
    [JsonIgnore]
    public TimeSpan CpuInitializationPeriodValue => GoDuration.Parse(CpuInitializationPeriod);
    [JsonIgnore]
    public TimeSpan InitialReadinessDelayValue => GoDuration.Parse(InitialReadinessDelay);
    [JsonIgnore]
    public TimeSpan DownscaleStabilizationValue => GoDuration.Parse(DownscaleStabilization);

    public IEnumerable<OptionProblem> Validate()
    {
        if (Duration(SyncPeriod, "syncPeriod", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "a duration from 1s to 1h") is { } p1) yield return p1;
        if (!(Tolerance >= 0 && Tolerance < 1))
            yield return new("tolerance", Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture), "a number from 0 (inclusive) to 1 (exclusive), e.g. 0.1");
        if (Duration(CpuInitializationPeriod, "cpuInitializationPeriod", TimeSpan.Zero, TimeSpan.FromHours(24), "a duration from 0s to 24h") is { } p2) yield return p2;
        if (Duration(InitialReadinessDelay, "initialReadinessDelay", TimeSpan.Zero, TimeSpan.FromHours(24), "a duration from 0s to 24h") is { } p3) yield return p3;
        if (Duration(DownscaleStabilization, "downscaleStabilization", TimeSpan.Zero, TimeSpan.FromHours(1), "a duration from 0s to 1h") is { } p4) yield return p4;
        if (!IsDnsSubdomain(HistoryConfigMap))
            yield return new("historyConfigMap", $"\"{HistoryConfigMap}\"", "a ConfigMap name (lowercase letters, digits, '-' and '.')");
        if (string.IsNullOrWhiteSpace(StateDirectory))
            yield return new("stateDirectory", $"\"{StateDirectory}\"", "a directory path such as \"/var/lib/edgescaler\"");
        foreach (var p in LeaderElection.Validate())
            yield return p with { Key = "leaderElection." + p.Key };
    }

    internal static OptionProblem? Duration(string text, string key, TimeSpan min, TimeSpan max, string expected) =>
        GoDuration.TryParse(text, out var d) && d >= min && d <= max ? null : new OptionProblem(key, $"\"{text}\"", expected);

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
    public string LeaseDuration { get; set; } = "15s";

    /// <summary>A leader that has not renewed for this long stops scaling.</summary>
    public string RenewDeadline { get; set; } = "10s";

    /// <summary>Time between acquire/renew attempts.</summary>
    public string RetryPeriod { get; set; } = "2s";

    public IEnumerable<OptionProblem> Validate()
    {
        if (!ScalerOptions.IsDnsSubdomain(LeaseName)) yield return new("leaseName", $"\"{LeaseName}\"", "a Lease name (lowercase letters, digits, '-' and '.')");
        if (!ScalerOptions.IsDnsSubdomain(LeaseNamespace)) yield return new("leaseNamespace", $"\"{LeaseNamespace}\"", "a namespace name");
        var bad = false;
        foreach (var (text, key) in new[] { (RetryPeriod, "retryPeriod"), (RenewDeadline, "renewDeadline"), (LeaseDuration, "leaseDuration") })
            if (ScalerOptions.Duration(text, key, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "a duration from 100ms to 10m") is { } p) { bad = true; yield return p; }
        if (bad) yield break;
        if (GoDuration.Parse(RenewDeadline) <= GoDuration.Parse(RetryPeriod))
            yield return new("renewDeadline", $"\"{RenewDeadline}\"", $"a duration longer than retryPeriod ({RetryPeriod})");
        if (GoDuration.Parse(LeaseDuration) <= GoDuration.Parse(RenewDeadline))
            yield return new("leaseDuration", $"\"{LeaseDuration}\"", $"a duration longer than renewDeadline ({RenewDeadline})");
    }

    /// <summary>The timings parsed (valid once <see cref="Validate"/> reported nothing).</summary>
    [JsonIgnore]
    public Kubernetes.Leader.LeaseTimings Timings => new(GoDuration.Parse(LeaseDuration), GoDuration.Parse(RenewDeadline), GoDuration.Parse(RetryPeriod));
}
