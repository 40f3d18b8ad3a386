namespace EdgeScaler.Kubernetes.Rest;

using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

/// <summary>
/// Plain REST calls over an authenticated <see cref="KubeHttp"/> connection, with our source-generated (AOT-safe)
/// <see cref="KubeJson"/> models. Used instead of KubernetesClient's generated operations: we need streaming watches
/// (KubernetesClient.Aot has no Watcher), any kind's /scale by REST mapping, errors split into "API said no" and
/// "API unreachable", and a binary without every API operation in it.
/// </summary>
public sealed class KubeRest : IDisposable
{
    public const string MergePatch = "application/merge-patch+json";

    private readonly KubeHttp _http;

    public KubeRest(KubernetesClientConfiguration config) => _http = KubeHttp.Create(config);

    /// <summary>The API server's address, ending in '/'.</summary>
    public Uri BaseUri => _http.BaseUri;

    /// <summary>The connection underneath, for readers that parse raw JSON streams themselves (not disposed by them).</summary>
    public KubeHttp Connection => _http;

    /// <summary>GET a typed object; null on 404.</summary>
    public async Task<T?> GetOrNullAsync<T>(string path, CancellationToken ct) where T : class
    {
        try { return await GetAsync<T>(path, ct).ConfigureAwait(false); }
        catch (KubeApiException e) when (e.IsNotFound) { return null; }
    }

    public async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false);
        return await ReadAsync<T>(response, ct).ConfigureAwait(false);
    }

    public async Task<T> CreateAsync<T>(string collectionPath, T body, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, collectionPath, KubeJson.Serialize(body), "application/json", ct).ConfigureAwait(false);
        return await ReadAsync<T>(response, ct).ConfigureAwait(false);
    }

    public async Task<T> ReplaceAsync<T>(string path, T body, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, path, KubeJson.Serialize(body), "application/json", ct).ConfigureAwait(false);
        return await ReadAsync<T>(response, ct).ConfigureAwait(false);
    }

    /// <summary>PATCH with a JSON merge patch; returns the object after the patch.</summary>
    public async Task<T> MergePatchAsync<T>(string path, JsonNode patch, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Patch, path, patch.ToJsonString(), MergePatch, ct).ConfigureAwait(false);
        return await ReadAsync<T>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// GET a list, decoding its items one by one: an item that does not decode (a value the client's models reject)
    /// is reported in <see cref="DecodedList{T}.Undecodable"/> instead of failing the whole list.
    /// </summary>
    public async Task<DecodedList<T>> ListAsync<T>(string collectionPath, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, collectionPath, null, null, ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
        var root = doc.RootElement;
        var rv = root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("resourceVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var items = new List<T>();
        var undecodable = new List<UndecodableObject>();
        if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (UndecodableObject.TryDecode<T>(item, out var obj, out var problem)) { if (obj is not null) items.Add(obj); }
                else undecodable.Add(problem!);
            }
        }
        return new DecodedList<T>(rv, items, undecodable);
    }

    /// <summary>GET returning raw JSON (for APIs without generated models: custom/external metrics, discovery).</summary>
    public async Task<JsonNode?> GetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonNode.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens `?watch=true` on a collection and yields each event line as it arrives. Ends when the server ends
    /// the stream (timeoutSeconds); an ERROR event becomes <see cref="KubeApiException"/> (410 Expired → relist).
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string collectionPath, string? resourceVersion, int timeoutSeconds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var query = $"watch=true&allowWatchBookmarks=true&timeoutSeconds={timeoutSeconds}";
        if (!string.IsNullOrEmpty(resourceVersion)) query += "&resourceVersion=" + Uri.EscapeDataString(resourceVersion);
        var path = collectionPath + (collectionPath.Contains('?') ? "&" : "?") + query;
        using var response = await SendAsync(HttpMethod.Get, path, null, null, ct, streaming: true).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try { line = await reader.ReadLineAsync(ct).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new KubeUnreachableException($"watch {collectionPath} was cut: {e.Message}", e);
            }
            if (line is null) yield break;
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.GetProperty("type").GetString() ?? "";
            var obj = doc.RootElement.GetProperty("object");
            if (type == "ERROR")
            {
                var code = obj.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 500;
                var reason = obj.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
                var message = obj.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                throw new KubeApiException((HttpStatusCode)code, reason, message, collectionPath);
            }
            var rv = obj.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var v) ? v.GetString() : null;
            if (type == "BOOKMARK")
            {
                yield return new WatchEvent<T>(WatchEventType.Bookmark, default, rv);
                continue;
            }
            UndecodableObject.TryDecode<T>(obj, out var parsed, out var problem); // a bad object is reported, not fatal for the watch
            yield return new WatchEvent<T>(type switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                _ => WatchEventType.Bookmark,
            }, parsed, rv) { Undecodable = problem };
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? contentType, CancellationToken ct, bool streaming = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(_http.BaseUri, path.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }
        HttpResponseMessage response;
        try
        {
            if (_http.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
            response = await _http.Client.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new KubeUnreachableException($"{method} {path}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new KubeUnreachableException($"{method} {path}: timed out", e);
        }
        if (response.IsSuccessStatusCode) return response;

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            string reason = response.ReasonPhrase ?? "", message = text;
            try
            {
                if (JsonNode.Parse(text) is JsonObject status && status["kind"]?.GetValue<string>() == "Status")
                {
                    reason = status["reason"]?.GetValue<string>() ?? reason;
                    message = status["message"]?.GetValue<string>() ?? message;
                }
            }
            catch (JsonException) { }
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new KubeUnreachableException($"{method} {path}: {(int)response.StatusCode} {reason}: {message}");
            throw new KubeApiException(response.StatusCode, reason, message, path);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return KubeJson.Deserialize<T>(stream);
    }

    public void Dispose() => _http.Dispose();
}

public enum WatchEventType { Added, Modified, Deleted, Bookmark }

/// <summary>One watch line. <see cref="Object"/> is default for bookmarks.</summary>
public readonly record struct WatchEvent<T>(WatchEventType Type, T? Object, string? ResourceVersion)
{
    /// <summary>Set (and <see cref="Object"/> null) when the event's object did not decode.</summary>
    public UndecodableObject? Undecodable { get; init; }
}
