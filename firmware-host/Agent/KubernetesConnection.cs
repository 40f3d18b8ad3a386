namespace EdgeScaler.Host.Agent;

using EdgeScaler.Kubernetes;
using EdgeScaler.Kubernetes.Rest;
using k8s;

/// <summary>
/// How this agent reaches the Kubernetes API for pod identity, peer discovery and request authentication, found once
/// at start-up. A node without a kubeconfig still samples, publishes and serves what needs no API: the reason is kept
/// so each area can say in one line what it cannot do. <see cref="Rest"/> is the process's shared API client (the
/// Scaler's, the pod inventory's, peer discovery's and the metrics API's), built on first use from the one configuration and disposed with the connection.
/// </summary>
public sealed class KubernetesConnection : IDisposable
{
    private readonly Lazy<KubeRest?> _rest;

    private KubernetesConnection(KubernetesClientConfiguration? configuration, string description)
    {
        Configuration = configuration;
        Description = description;
        _rest = new(() => configuration is null ? null : new KubeRest(configuration));
    }

    /// <summary>The shared client, built on first use; null when there is no configuration.</summary>
    public KubeRest? Rest => _rest.Value;

    /// <summary>Null when no API client could be configured (see <see cref="Description"/>).</summary>
    public KubernetesClientConfiguration? Configuration { get; }

    /// <summary>Where the configuration came from, or why there is none.</summary>
    public string Description { get; }

    public static KubernetesConnection Create(KubernetesOptions options)
    {
        try
        {
            var config = KubeClientFactory.BuildConfiguration(options, out var source);
            return new KubernetesConnection(config, $"{config.Host} (from {source})");
        }
        catch (Exception e) when (e is FileNotFoundException or IOException or k8s.Exceptions.KubeConfigException or UnauthorizedAccessException)
        {
            return new KubernetesConnection(null, $"no Kubernetes API client: {e.Message}");
        }
    }

    public void Dispose()
    {
        if (_rest.IsValueCreated) _rest.Value?.Dispose();
    }
}
