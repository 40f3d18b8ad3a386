namespace EdgeScaler.Kubernetes.Scale;

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeScaler.Kubernetes.Rest;
using k8s.Models;

/// <summary>
/// Resolves an HPA's scaleTargetRef (apiVersion + kind) to its /scale subresource and reads/updates it.
/// Well-known workloads map directly; any other kind (a CRD with a scale subresource, e.g. Argo Rollouts) is
/// found through API discovery, as upstream's RESTMapper does.
/// </summary>
public sealed class ScaleClient(KubeRest rest)
{
    private static readonly Dictionary<(string Group, string Kind), string> WellKnown = new()
    {
        [("apps", "Deployment")] = "deployments",
        [("apps", "StatefulSet")] = "statefulsets",
        [("apps", "ReplicaSet")] = "replicasets",
        [("", "ReplicationController")] = "replicationcontrollers",
    };

    private readonly ConcurrentDictionary<(string ApiVersion, string Kind), string> _discovered = new();

    /// <summary>The /scale path of a target; throws <see cref="KubeApiException"/> when the kind has no scale subresource.</summary>
    public async Task<string> ScalePathAsync(string ns, string? apiVersion, string kind, string name, CancellationToken ct)
    {
        var version = string.IsNullOrEmpty(apiVersion) ? "v1" : apiVersion;
        var group = version.Contains('/') ? version[..version.IndexOf('/')] : "";
        if (!WellKnown.TryGetValue((group, kind), out var resource) && !_discovered.TryGetValue((version, kind), out resource))
        {
            resource = await DiscoverAsync(version, kind, ct).ConfigureAwait(false);
            _discovered[(version, kind)] = resource;
        }
        return KubePaths.Object(version, resource, ns, name) + "/scale";
    }

    public async Task<V1Scale> GetAsync(string scalePath, CancellationToken ct) =>
        await rest.GetAsync<V1Scale>(scalePath, ct).ConfigureAwait(false);

    /// <summary>
    /// Writes spec.replicas with the Scale's resourceVersion as precondition (upstream does Update, not Patch):
    /// if someone changed the workload since we read it, this fails with 409 Conflict and the next sync decides again.
    /// </summary>
    public async Task<V1Scale> UpdateAsync(string scalePath, V1Scale read, int replicas, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = read.Metadata?.ResourceVersion },
            ["spec"] = new JsonObject { ["replicas"] = replicas },
        };
        return await rest.MergePatchAsync<V1Scale>(scalePath, patch, ct).ConfigureAwait(false);
    }

    private async Task<string> DiscoverAsync(string apiVersion, string kind, CancellationToken ct)
    {
        var doc = await rest.GetJsonAsync(KubePaths.GroupVersion(apiVersion), ct).ConfigureAwait(false);
        string? resource = null;
        var hasScale = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in (doc?["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = r["name"]?.GetValue<string>() ?? "";
            if (name.EndsWith("/scale", StringComparison.Ordinal)) hasScale.Add(name[..^6]);
            else if (!name.Contains('/') && r["kind"]?.GetValue<string>() == kind) resource = name;
        }
        if (resource is null)
            throw new KubeApiException(System.Net.HttpStatusCode.NotFound, "NotFound", $"no matches for kind \"{kind}\" in version \"{apiVersion}\"", KubePaths.GroupVersion(apiVersion));
        if (!hasScale.Contains(resource))
            throw new KubeApiException(System.Net.HttpStatusCode.NotFound, "NotFound", $"{kind} in version \"{apiVersion}\" has no scale subresource", KubePaths.GroupVersion(apiVersion));
        return resource;
    }
}
