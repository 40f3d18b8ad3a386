namespace EdgeScaler.Kubernetes.Events;

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeScaler.Kubernetes.Rest;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>
/// Writes core/v1 Events the way client-go's recorder does for kube-controller-manager: source component
/// "horizontal-pod-autoscaler", name "{object}.{unix-nanos hex}", and a repeat of the same event (same object,
/// type, reason, message) bumps count/lastTimestamp instead of creating a new object. Best effort: a failed
/// event write is logged at debug level and never fails a reconcile.
/// </summary>
public sealed class EventRecorder(KubeRest rest, string component, string host, TimeProvider time, ILogger<EventRecorder> log)
{
    public const string HpaComponent = "horizontal-pod-autoscaler";

    private readonly ConcurrentDictionary<string, (string Name, int Count)> _seen = new(StringComparer.Ordinal);

    public async Task RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken ct)
    {
        var ns = involved.NamespaceProperty ?? "default";
        var key = $"{ns}/{involved.Kind}/{involved.Name}/{involved.Uid}/{type}/{reason}/{message}";
        var now = time.GetUtcNow();
        try
        {
            if (_seen.TryGetValue(key, out var seen))
            {
                try
                {
                    var patch = new JsonObject
                    {
                        ["count"] = seen.Count + 1,
                        ["lastTimestamp"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    };
                    await rest.MergePatchAsync<Corev1Event>(KubePaths.Event(ns, seen.Name), patch, ct).ConfigureAwait(false);
                    _seen[key] = (seen.Name, seen.Count + 1);
                    return;
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    // Expired (events have a TTL): start a new one.
                }
            }
            var name = $"{involved.Name}.{(now.ToUnixTimeMilliseconds() * 1_000_000 + Interlocked.Increment(ref _sequence) % 1_000_000):x}";
            var ev = new Corev1Event
            {
                ApiVersion = "v1",
                Kind = "Event",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                InvolvedObject = involved,
                Type = type,
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = now.UtcDateTime,
                LastTimestamp = now.UtcDateTime,
                Source = new V1EventSource { Component = component, Host = host },
                ReportingComponent = component,
                ReportingInstance = host,
            };
            await rest.CreateAsync(KubePaths.Events(ns), ev, ct).ConfigureAwait(false);
            _seen[key] = (name, 1);
            if (_seen.Count > 4096) _seen.Clear(); // bounded memory; worst case a repeat becomes a new Event
        }
        catch (Exception e) when (e is KubeApiException or KubeUnreachableException)
        {
            log.LogDebug("Event {Reason} on {Kind} {Namespace}/{Name} not written: {Error}", reason, involved.Kind, ns, involved.Name, e.Message);
        }
    }

    private long _sequence;
}
