namespace EdgeScaler.Host.Configuration.Placeholders;

using EdgeScaler.Core.Configuration;
using EdgeScaler.Core.Units;

// Sections whose library has no options class yet. Each area replaces its placeholder by pointing the property in
// EdgeScalerConfig at `<Area>Options` in its own library, then deletes the class here. Until then a section
// accepts no keys, so nothing the code ignores can be written into it unnoticed.

/// <summary>The `node` section: where and how often this node is sampled.</summary>
public sealed class NodeOptions : IValidatedOptions
{
    /// <summary>Directory that holds the host's /sys, /proc and cgroup tree (e.g. "/host" in a container).</summary>
    public string HostRoot { get; set; } = "/";

    /// <summary>Time between two samples of cgroups and thermal state.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<OptionProblem> Validate()
    {
        if (SampleInterval <= TimeSpan.FromMilliseconds(100))
            yield return new("sampleInterval", $"\"{GoDuration.Format(SampleInterval)}\"", "a duration longer than 100ms");
        if (string.IsNullOrWhiteSpace(HostRoot))
            yield return new("hostRoot", $"\"{HostRoot}\"", "a directory path such as \"/\" or \"/host\"");
    }
}

/// <summary>The `kubernetes` section (placeholder until EdgeScaler.Kubernetes has KubernetesOptions).</summary>
public sealed class KubernetesOptions;

/// <summary>The `scaler` section (placeholder until EdgeScaler.Scaler has ScalerOptions).</summary>
public sealed class ScalerOptions;

/// <summary>The `metricsApi` section (placeholder until EdgeScaler.MetricsApi has MetricsApiOptions).</summary>
public sealed class MetricsApiOptions;

/// <summary>The `panel` section (placeholder until EdgeScaler.Panel has PanelOptions).</summary>
public sealed class PanelOptions;
