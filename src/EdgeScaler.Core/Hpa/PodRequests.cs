namespace EdgeScaler.Core.Hpa;

/// <summary>
/// Upstream's calculateRequests: each pod's request for a resource in milli-units — the sum over its containers
/// (regular and sidecar init containers), or one named container's — for every pod the selector matched.
/// </summary>
public static class PodRequests
{
    public static MetricResult<Dictionary<string, long>> Calculate(IReadOnlyList<PodInfo> pods, string? container, string resource, bool podLevelResources)
    {
        var requests = new Dictionary<string, long>(pods.Count, StringComparer.Ordinal);
        for (var p = 0; p < pods.Count; p++) // index loops: no enumerator boxed per pod on the reconcile hot path
        {
            var pod = pods[p];
            if (podLevelResources && string.IsNullOrEmpty(container) && pod.PodRequests is { } podLevel && podLevel.TryGetValue(resource, out var podRequest))
            {
                requests[pod.Name] = podRequest.MilliValue();
                continue;
            }
            long sum = 0;
            var found = false;
            for (var i = 0; i < pod.Containers.Count; i++)
            {
                var c = pod.Containers[i];
                if (!string.IsNullOrEmpty(container) && c.Name != container) continue;
                found = true;
                if (!c.Requests.TryGetValue(resource, out var q))
                    return MetricResult<Dictionary<string, long>>.Fail($"missing request for {resource} in container {c.Name} of Pod {pod.Name}");
                sum += q.MilliValue();
            }
            if (!found && !string.IsNullOrEmpty(container))
                return MetricResult<Dictionary<string, long>>.Fail($"container {container} not found in Pod {pod.Name}");
            requests[pod.Name] = sum;
        }
        return MetricResult<Dictionary<string, long>>.Success(requests);
    }
}
