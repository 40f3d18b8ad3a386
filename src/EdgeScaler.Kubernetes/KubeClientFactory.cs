namespace EdgeScaler.Kubernetes;

using EdgeScaler.Kubernetes.Rest;
using k8s;

/// <summary>Builds the API client from <see cref="KubernetesOptions"/>: an explicit kubeconfig, else in-cluster, else the usual files.</summary>
public static class KubeClientFactory
{
    /// <summary>The kubeconfig files tried, in order, when none is configured and we are not in a pod.</summary>
    public static IEnumerable<string> DefaultKubeconfigCandidates()
    {
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } env)
            foreach (var p in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return p;
        yield return "/etc/rancher/k3s/k3s.yaml";
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0) yield return Path.Combine(home, ".kube", "config");
    }

    /// <summary>Describes where the configuration came from, for log lines and errors.</summary>
    public static KubernetesClientConfiguration BuildConfiguration(KubernetesOptions options, out string source)
    {
        KubernetesClientConfiguration config;
        if (options.Kubeconfig.Length > 0)
        {
            if (!File.Exists(options.Kubeconfig)) throw new FileNotFoundException($"kubeconfig {options.Kubeconfig} does not exist", options.Kubeconfig);
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, NullIfEmpty(options.Context));
            source = options.Kubeconfig;
        }
        else if (KubernetesClientConfiguration.IsInCluster())
        {
            config = KubernetesClientConfiguration.InClusterConfig();
            source = "in-cluster service account";
        }
        else
        {
            var file = DefaultKubeconfigCandidates().FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException("no kubeconfig: set kubernetes.kubeconfig, KUBECONFIG, or run in a pod (tried "
                    + string.Join(", ", DefaultKubeconfigCandidates()) + ")");
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(file, NullIfEmpty(options.Context));
            source = file;
        }
        config.HttpClientTimeout = options.RequestTimeoutValue;
        return config;
    }

    public static KubeRest CreateRest(KubernetesOptions options, out string source) =>
        new(BuildConfiguration(options, out source));

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
