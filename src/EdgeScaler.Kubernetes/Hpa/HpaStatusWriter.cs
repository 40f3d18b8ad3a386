namespace EdgeScaler.Kubernetes.Hpa;

using EdgeScaler.Kubernetes.Rest;
using k8s;
using k8s.Models;

/// <summary>
/// Writes an HPA's status subresource only when it changed (upstream's updateStatusIfNeeded). Conditions keep
/// their lastTransitionTime while their status stays the same, so an unchanged decision writes nothing.
/// A 409 (the HPA changed since our cache saw it) is retried once on a fresh read.
/// </summary>
public sealed class HpaStatusWriter(KubeRest rest)
{
    /// <summary>Returns the HPA as stored after the write, or null when nothing needed writing.</summary>
    public async Task<V2HorizontalPodAutoscaler?> WriteIfChangedAsync(V2HorizontalPodAutoscaler hpa, V2HorizontalPodAutoscalerStatus status, CancellationToken ct)
    {
        CarryTransitionTimes(hpa.Status, status);
        if (SameStatus(hpa.Status, status)) return null;
        var ns = hpa.Metadata.NamespaceProperty;
        var name = hpa.Metadata.Name;
        var copy = hpa with { Status = status };
        try
        {
            return await rest.ReplaceAsync(KubePaths.HpaStatus(ns, name), copy, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            var fresh = await rest.GetAsync<V2HorizontalPodAutoscaler>(KubePaths.Hpa(ns, name), ct).ConfigureAwait(false);
            CarryTransitionTimes(fresh.Status, status);
            if (SameStatus(fresh.Status, status)) return null;
            return await rest.ReplaceAsync(KubePaths.HpaStatus(ns, name), fresh with { Status = status }, ct).ConfigureAwait(false);
        }
    }

    public static bool SameStatus(V2HorizontalPodAutoscalerStatus? a, V2HorizontalPodAutoscalerStatus? b) =>
        KubeJson.Serialize(a ?? new V2HorizontalPodAutoscalerStatus()) == KubeJson.Serialize(b ?? new V2HorizontalPodAutoscalerStatus());

    /// <summary>A condition whose status did not change keeps its old lastTransitionTime (upstream setCondition).</summary>
    public static void CarryTransitionTimes(V2HorizontalPodAutoscalerStatus? old, V2HorizontalPodAutoscalerStatus next)
    {
        if (next.Conditions is null) return;
        foreach (var c in next.Conditions)
        {
            var before = old?.Conditions?.FirstOrDefault(o => o.Type == c.Type);
            if (before is not null && before.Status == c.Status && before.LastTransitionTime is not null)
                c.LastTransitionTime = before.LastTransitionTime;
        }
    }
}
