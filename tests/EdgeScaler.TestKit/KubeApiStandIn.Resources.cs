// KubeApiStandIn: the resource registry (kinds, scope, subresources) and discovery documents.
namespace EdgeScaler.TestKit;

using System.Text.Json.Nodes;

/// <summary>A resource type the stand-in knows by name (unknown ones still work, with a guessed kind).</summary>
/// <param name="Group">"" for the core group.</param>
public sealed record KubeResourceType(string Group, string Version, string Resource, string Kind, bool Namespaced, bool HasStatus = false, bool HasScale = false)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

public sealed partial class KubeApiStandIn
{
    private readonly Dictionary<(string Group, string Version, string Resource), KubeResourceType> _types = [];

    /// <summary>Registers (or replaces) a resource type, e.g. a CRD the test needs listed in discovery.</summary>
    public void RegisterResource(KubeResourceType type)
    {
        lock (_storeLock) _types[(type.Group, type.Version, type.Resource)] = type;
    }

    private void RegisterBuiltInResources()
    {
        KubeResourceType[] builtIn =
        [
            new("", "v1", "pods", "Pod", true, HasStatus: true),
            new("", "v1", "nodes", "Node", false, HasStatus: true),
            new("", "v1", "namespaces", "Namespace", false, HasStatus: true),
            new("", "v1", "services", "Service", true, HasStatus: true),
            new("", "v1", "endpoints", "Endpoints", true),
            new("", "v1", "configmaps", "ConfigMap", true),
            new("", "v1", "secrets", "Secret", true),
            new("", "v1", "events", "Event", true),
            new("", "v1", "serviceaccounts", "ServiceAccount", true),
            new("", "v1", "replicationcontrollers", "ReplicationController", true, HasStatus: true, HasScale: true),
            new("apps", "v1", "deployments", "Deployment", true, HasStatus: true, HasScale: true),
            new("apps", "v1", "statefulsets", "StatefulSet", true, HasStatus: true, HasScale: true),
            new("apps", "v1", "replicasets", "ReplicaSet", true, HasStatus: true, HasScale: true),
            new("apps", "v1", "daemonsets", "DaemonSet", true, HasStatus: true),
            new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, HasStatus: true),
            new("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, HasStatus: true),
            new("coordination.k8s.io", "v1", "leases", "Lease", true),
            new("events.k8s.io", "v1", "events", "Event", true),
            new("apiregistration.k8s.io", "v1", "apiservices", "APIService", false, HasStatus: true),
            new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
            new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
            new("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
            new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
        ];
        foreach (var t in builtIn) _types[(t.Group, t.Version, t.Resource)] = t;
    }

    private KubeResourceType TypeOf(string group, string version, string resource, bool namespacedPath)
    {
        lock (_storeLock)
        {
            if (_types.TryGetValue((group, version, resource), out var known)) return known;
        }
        return new KubeResourceType(group, version, resource, GuessKind(resource), namespacedPath);
    }

    private static string GuessKind(string resource)
    {
        var singular = resource.EndsWith("ies", StringComparison.Ordinal) ? resource[..^3] + "y"
            : resource.EndsWith("ses", StringComparison.Ordinal) ? resource[..^2]
            : resource.EndsWith('s') ? resource[..^1] : resource;
        return singular.Length == 0 ? "Unknown" : char.ToUpperInvariant(singular[0]) + singular[1..];
    }

    private JsonObject DiscoveryVersion() => new()
    {
        ["major"] = "1",
        ["minor"] = "31",
        ["gitVersion"] = "v1.31.0+standin",
        ["platform"] = "linux/arm64",
    };

    private JsonObject DiscoveryCoreVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = $"127.0.0.1:{_port}" }),
    };

    private JsonObject DiscoveryGroups()
    {
        var groups = new JsonArray();
        lock (_storeLock)
        {
            foreach (var g in _types.Values.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var versions = new JsonArray();
                foreach (var v in g.Select(t => t.Version).Distinct().OrderByDescending(v => v, StringComparer.Ordinal))
                    versions.Add(new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v });
                groups.Add(new JsonObject
                {
                    ["name"] = g.Key,
                    ["versions"] = versions,
                    ["preferredVersion"] = versions[0]!.DeepClone(),
                });
            }
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private JsonObject? DiscoveryResources(string group, string version)
    {
        var resources = new JsonArray();
        lock (_storeLock)
        {
            var matching = _types.Values.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Resource, StringComparer.Ordinal).ToList();
            if (matching.Count == 0) return null;
            foreach (var t in matching)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Resource,
                    ["singularName"] = t.Kind.ToLowerInvariant(),
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                });
                if (t.HasStatus)
                    resources.Add(new JsonObject { ["name"] = t.Resource + "/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
                if (t.HasScale)
                    resources.Add(new JsonObject { ["name"] = t.Resource + "/scale", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update") });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
