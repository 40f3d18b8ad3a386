namespace EdgeScaler.Kubernetes.Overrides;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Kubernetes.Rest;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>
/// Applies an override request to the HPA's <c>edgescaler.io/override-*</c> annotations on the API server: reads
/// the HPA (for min/max and the override in force), decides with the pure <see cref="OverrideBook"/> (validation,
/// clamping, newest wins), and merge-patches the annotations with the read resourceVersion as precondition
/// (a concurrent change → re-read and decide again). Throws <see cref="KubeUnreachableException"/> when the API
/// cannot be reached, so the caller can journal the request.
/// </summary>
public sealed class OverrideWriter(KubeRest rest, ILogger log)
{
    public async Task<OverrideResult> ApplyAsync(OverrideRequest request, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var path = KubePaths.Hpa(request.Hpa.Namespace, request.Hpa.Name);
            var hpa = await rest.GetOrNullAsync<V2HorizontalPodAutoscaler>(path, ct).ConfigureAwait(false);
            if (hpa is null) return OverrideResult.Rejected($"HPA {request.Hpa} not found");
            var annotations = (IReadOnlyDictionary<string, string>?)(hpa.Metadata.Annotations as Dictionary<string, string>) ?? new Dictionary<string, string>(hpa.Metadata.Annotations ?? new Dictionary<string, string>());
            var current = OverrideAnnotations.Parse(annotations, out var parseError);
            if (parseError is not null) log.LogWarning("HPA {Hpa}: replacing a bad override annotation ({Error})", request.Hpa, parseError);
            var change = OverrideBook.Apply(current, request, hpa.Spec.MinReplicas ?? 1, hpa.Spec.MaxReplicas);
            if (change.Conflict is not null) log.LogInformation("{Conflict}", change.Conflict);
            if (!change.Result.Accepted) return change.Result;
            try
            {
                await PatchAsync(path, OverrideAnnotations.Format(change.Next), hpa.Metadata.ResourceVersion, ct).ConfigureAwait(false);
                return change.Result;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < 3)
            {
                // The HPA changed between our read and write; decide again on the fresh object.
            }
        }
    }

    /// <summary>Writes annotation changes (null removes) to the HPA; with a resourceVersion, only if it is still that version.</summary>
    public Task PatchAsync(string hpaPath, IReadOnlyDictionary<string, string?> changes, string? resourceVersion, CancellationToken ct)
    {
        var annotations = new JsonObject();
        foreach (var (k, v) in changes) annotations[k] = v;
        var metadata = new JsonObject { ["annotations"] = annotations };
        if (resourceVersion is not null) metadata["resourceVersion"] = resourceVersion;
        return rest.MergePatchAsync<V2HorizontalPodAutoscaler>(hpaPath, new JsonObject { ["metadata"] = metadata }, ct);
    }
}
