namespace EdgeScaler.MetricsApi.Cluster;

using System.Text.Json;
using EdgeScaler.Core.Metrics;

/// <summary>What the Kubernetes API says about a pod on this node: its name, labels and running containers.</summary>
/// <param name="Containers">Running containers (regular ones and restartable init "sidecars"): runtime ID without scheme → name.</param>
public sealed record PodIdentity(PodRef Ref, string Phase, IReadOnlyList<(string ContainerId, string Name)> Containers)
{
    public bool IsRunning => Phase == "Running";

    /// <summary>Reads a Pod object (JSON from a list item or watch event). Returns null for an object without a UID.</summary>
    public static PodIdentity? FromJson(JsonElement pod)
    {
        if (!pod.TryGetProperty("metadata", out var meta) || Str(meta, "uid") is not { Length: > 0 } uid) return null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (meta.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
            foreach (var p in l.EnumerateObject()) labels[p.Name] = p.Value.GetString() ?? "";
        var phase = "";
        var containers = new List<(string, string)>();
        if (pod.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object)
        {
            phase = Str(status, "phase") ?? "";
            AddRunning(status, "containerStatuses", containers);
            AddRunning(status, "initContainerStatuses", containers);
        }
        var podRef = new PodRef(Str(meta, "namespace") ?? "", Str(meta, "name") ?? "", uid) { Labels = labels };
        return new PodIdentity(podRef, phase, containers);
    }

    private static void AddRunning(JsonElement status, string property, List<(string, string)> into)
    {
        if (!status.TryGetProperty(property, out var list) || list.ValueKind != JsonValueKind.Array) return;
        foreach (var c in list.EnumerateArray())
        {
            if (Str(c, "containerID") is not { Length: > 0 } id || Str(c, "name") is not { Length: > 0 } name) continue;
            // Only running containers have a live cgroup: a finished init container must not hold the pod back.
            if (!c.TryGetProperty("state", out var state) || !state.TryGetProperty("running", out _)) continue;
            into.Add((ContainerIds.Normalize(id), name));
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
