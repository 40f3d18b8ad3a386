namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Units;

public enum PodPhase { Unknown, Pending, Running, Succeeded, Failed }

/// <summary>The PodReady condition: its status ("True", "False", "Unknown") and when it last changed.</summary>
public sealed record PodReadyCondition(ConditionStatus Status, DateTimeOffset LastTransitionTime);

public enum ConditionStatus { True, False, Unknown }

/// <summary>A container's resource requests (resource name → quantity). <see cref="IsSidecar"/>: an init container with restartPolicy Always.</summary>
public sealed record ContainerRequests(string Name, IReadOnlyDictionary<string, Quantity> Requests, bool IsSidecar = false)
{
    public static readonly IReadOnlyDictionary<string, Quantity> None = new Dictionary<string, Quantity>();
}

/// <summary>
/// What the algorithm needs from a pod: phase, deletion, start time, the Ready condition, requests of the
/// containers that count (regular containers plus sidecar init containers; other init containers are left out by
/// the mapping), and the node it runs on (for the thermal policy).
/// </summary>
public sealed record PodInfo(
    string Name,
    PodPhase Phase,
    DateTimeOffset? StartTime,
    PodReadyCondition? Ready,
    IReadOnlyList<ContainerRequests> Containers,
    string? NodeName = null,
    bool Deleting = false)
{
    /// <summary>Pod-level requests (spec.resources, the PodLevelResources feature); null when the pod has none.</summary>
    public IReadOnlyDictionary<string, Quantity>? PodRequests { get; init; }
}
