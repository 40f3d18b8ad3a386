namespace EdgeScaler.MetricsApi.Cluster;

using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeScaler.Kubernetes.Rest;
using k8s;

/// <summary>
/// <see cref="IPodSource"/> over the Kubernetes REST API, reading JSON directly: a list with <c>fieldSelector=spec.nodeName=…</c>, then a
/// streamed watch (one event per line) with bookmarks, so the pod map stays fresh without relisting.
/// </summary>
public sealed class KubernetesPodSource : IPodSource, IDisposable
{
    private readonly KubeHttp _http;
    private readonly bool _ownsHttp;
    private readonly HttpMessageInvoker _transport;
    private readonly TimeSpan _watchTimeout;

    /// <param name="config">Cluster connection (in-cluster or kubeconfig): its TLS and credentials.</param>
    public KubernetesPodSource(KubernetesClientConfiguration config, TimeSpan? watchTimeout = null)
        : this(KubeHttp.Create(config), watchTimeout, ownsHttp: true)
    {
    }

    /// <param name="http">A connection shared with the rest of the process (not disposed here).</param>
    public KubernetesPodSource(KubeHttp http, TimeSpan? watchTimeout = null)
        : this(http, watchTimeout, ownsHttp: false)
    {
    }

    private KubernetesPodSource(KubeHttp http, TimeSpan? watchTimeout, bool ownsHttp)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        // Straight to the transport: a watch stays open for minutes, past any request timeout.
        _transport = new HttpMessageInvoker(_http.Transport, disposeHandler: false);
        _watchTimeout = watchTimeout ?? TimeSpan.FromMinutes(5);
    }

    public async Task<(IReadOnlyList<PodIdentity> Pods, string ResourceVersion)> ListAsync(string nodeName, CancellationToken cancellationToken)
    {
        using var res = await SendAsync($"api/v1/pods?fieldSelector={Uri.EscapeDataString("spec.nodeName=" + nodeName)}", cancellationToken);
        await using var body = await res.Content.ReadAsStreamAsync(cancellationToken);
        using var doc = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var pods = new List<PodIdentity>();
        if (doc.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            foreach (var item in items.EnumerateArray())
                if (PodIdentity.FromJson(item) is { } p) pods.Add(p);
        var rv = doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var v) ? v.GetString() ?? "" : "";
        return (pods, rv);
    }

    public async IAsyncEnumerable<PodEvent> WatchAsync(string nodeName, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = $"api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds={(int)_watchTimeout.TotalSeconds}" +
                    $"&resourceVersion={Uri.EscapeDataString(resourceVersion)}&fieldSelector={Uri.EscapeDataString("spec.nodeName=" + nodeName)}";
        using var res = await SendAsync(query, cancellationToken);
        await using var body = await res.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (!doc.RootElement.TryGetProperty("object", out var obj)) continue;
            if (type == "ERROR")
            {
                var code = obj.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
                var message = obj.TryGetProperty("message", out var m) ? m.GetString() : "watch error";
                if (code == 410) throw new ResourceVersionExpiredException(message ?? "resourceVersion expired");
                throw new HttpRequestException($"watch error {code}: {message}");
            }
            var rv = obj.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var r) ? r.GetString() : null;
            var eventType = type switch
            {
                "ADDED" => PodEventType.Added,
                "MODIFIED" => PodEventType.Modified,
                "DELETED" => PodEventType.Deleted,
                "BOOKMARK" => PodEventType.Bookmark,
                _ => (PodEventType?)null,
            };
            if (eventType is { } et) yield return new PodEvent(et, et == PodEventType.Bookmark ? null : PodIdentity.FromJson(obj), rv);
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> NodeLabelsAsync(string nodeName, CancellationToken cancellationToken)
    {
        try
        {
            using var res = await SendAsync($"api/v1/nodes/{Uri.EscapeDataString(nodeName)}", cancellationToken);
            await using var body = await res.Content.ReadAsStreamAsync(cancellationToken);
            using var doc = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
                foreach (var p in l.EnumerateObject()) labels[p.Name] = p.Value.GetString() ?? "";
            return labels;
        }
        catch (HttpRequestException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>Running pods matching a label selector in a namespace, as (node name, pod IP): how agents find each other.</summary>
    public async Task<IReadOnlyList<(string NodeName, string PodIp)>> ListPodAddressesAsync(string @namespace, string labelSelector, CancellationToken cancellationToken)
    {
        using var res = await SendAsync($"api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/pods?labelSelector={Uri.EscapeDataString(labelSelector)}", cancellationToken);
        await using var body = await res.Content.ReadAsStreamAsync(cancellationToken);
        using var doc = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var result = new List<(string, string)>();
        if (!doc.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array) return result;
        foreach (var pod in items.EnumerateArray())
        {
            if (!pod.TryGetProperty("status", out var status) || !status.TryGetProperty("podIP", out var ip) || ip.GetString() is not { Length: > 0 } podIp) continue;
            if (status.TryGetProperty("phase", out var phase) && phase.GetString() != "Running") continue;
            var node = pod.TryGetProperty("spec", out var spec) && spec.TryGetProperty("nodeName", out var n) ? n.GetString() ?? "" : "";
            result.Add((node, podIp));
        }
        return result;
    }

    private async Task<HttpResponseMessage> SendAsync(string relative, CancellationToken cancellationToken)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(_http.BaseUri, relative));
        req.Headers.Accept.ParseAdd("application/json");
        if (_http.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(req, cancellationToken);
        var res = await _transport.SendAsync(req, cancellationToken);
        if (res.StatusCode == HttpStatusCode.Gone) { res.Dispose(); throw new ResourceVersionExpiredException("410 Gone"); }
        if (!res.IsSuccessStatusCode)
        {
            var text = await res.Content.ReadAsStringAsync(cancellationToken);
            res.Dispose();
            throw new HttpRequestException($"GET {relative} → {(int)res.StatusCode}: {text[..Math.Min(200, text.Length)]}", null, res.StatusCode);
        }
        return res;
    }

    public void Dispose()
    {
        _transport.Dispose();
        if (_ownsHttp) _http.Dispose();
    }
}
