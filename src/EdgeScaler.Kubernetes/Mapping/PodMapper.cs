namespace EdgeScaler.Kubernetes.Mapping;

using EdgeScaler.Core.Hpa;
using k8s.Models;

/// <summary>
/// V1Pod → <see cref="PodInfo"/>: phase, deletion, start time, the Ready condition, and the requests of the
/// containers that count for the HPA (spec.containers plus init containers with restartPolicy Always).
/// </summary>
public static class PodMapper
{
    public static PodInfo ToCore(V1Pod pod, string path = "pod")
    {
        var name = pod.Metadata?.Name;
        if (string.IsNullOrEmpty(name)) throw new MappingException($"{path}.metadata.name", "missing");
        var status = pod.Status;
        var phase = status?.Phase switch
        {
            "Pending" => PodPhase.Pending,
            "Running" => PodPhase.Running,
            "Succeeded" => PodPhase.Succeeded,
            "Failed" => PodPhase.Failed,
            _ => PodPhase.Unknown,
        };
        PodReadyCondition? ready = null;
        foreach (var c in status?.Conditions ?? [])
        {
            if (c.Type != "Ready") continue;
            var s = c.Status switch { "True" => ConditionStatus.True, "False" => ConditionStatus.False, _ => ConditionStatus.Unknown };
            ready = new PodReadyCondition(s, ToOffset(c.LastTransitionTime) ?? DateTimeOffset.MinValue);
            break;
        }
        var containers = new List<ContainerRequests>();
        var spec = pod.Spec;
        for (var i = 0; i < (spec?.Containers?.Count ?? 0); i++)
        {
            var c = spec!.Containers[i];
            containers.Add(new ContainerRequests(c.Name, QuantityMapping.ToQuantities(c.Resources?.Requests, $"{path}.spec.containers[{i}].resources.requests")));
        }
        for (var i = 0; i < (spec?.InitContainers?.Count ?? 0); i++)
        {
            var c = spec!.InitContainers[i];
            if (c.RestartPolicy != "Always") continue; // only sidecars run alongside the app
            containers.Add(new ContainerRequests(c.Name, QuantityMapping.ToQuantities(c.Resources?.Requests, $"{path}.spec.initContainers[{i}].resources.requests"), IsSidecar: true));
        }
        return new PodInfo(name, phase, ToOffset(status?.StartTime), ready, containers, spec?.NodeName, pod.Metadata!.DeletionTimestamp is not null)
        {
            PodRequests = spec?.Resources?.Requests is { Count: > 0 } podLevel ? QuantityMapping.ToQuantities(podLevel, $"{path}.spec.resources.requests") : null,
        };
    }

    /// <summary>Pod labels, for selector matching (empty when none).</summary>
    public static IReadOnlyDictionary<string, string> Labels(V1Pod pod) =>
        pod.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : new Dictionary<string, string>();

    internal static DateTimeOffset? ToOffset(DateTime? t) =>
        t is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : null;
}
