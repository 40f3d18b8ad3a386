// KubeApiStandIn: URL routing and the verbs (get, list, watch, create, update, patch, delete; status and scale).
namespace EdgeScaler.TestKit;

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

public sealed partial class KubeApiStandIn
{
    private readonly record struct Target(KubeResourceType Type, string? Namespace, string? Name, string? Subresource)
    {
        public string Qualified => Type.Group.Length == 0 ? Type.Resource : $"{Type.Resource}.{Type.Group}";
    }

    private async Task ServeApiAsync(HttpContext ctx, string body)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = ctx.Request.Method;

        // Discovery.
        if (method == "GET")
        {
            JsonNode? discovery = segments switch
            {
                ["version"] => DiscoveryVersion(),
                ["api"] => DiscoveryCoreVersions(),
                ["apis"] => DiscoveryGroups(),
                ["api", var v] => DiscoveryResources("", v),
                ["apis", var g, var v] => DiscoveryResources(g, v),
                ["healthz"] or ["readyz"] or ["livez"] => null,
                _ => null,
            };
            if (discovery is not null) { await WriteJsonAsync(ctx, 200, discovery); return; }
            if (segments is ["healthz"] or ["readyz"] or ["livez"])
            {
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
                return;
            }
        }

        if (!TryParseTarget(segments, out var target))
        {
            await WriteStatusAsync(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        if (target.Namespace is not null && !target.Type.Namespaced || target.Namespace is null && target.Type.Namespaced && target.Name is not null)
        {
            await WriteStatusAsync(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        if (target.Subresource is "scale" && !target.Type.HasScale || target.Subresource is not (null or "status" or "scale"))
        {
            await WriteStatusAsync(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        switch (method)
        {
            case "GET" when target.Name is null:
                if (IsTrue(ctx.Request.Query["watch"])) await WatchAsync(ctx, target);
                else await ListAsync(ctx, target);
                return;
            case "GET":
                await GetAsync(ctx, target);
                return;
            case "POST" when target.Name is null:
                await CreateAsync(ctx, target, body);
                return;
            case "PUT" when target.Name is not null:
                await UpdateAsync(ctx, target, ParseBody(body), precondition: null);
                return;
            case "PATCH" when target.Name is not null:
                await PatchAsync(ctx, target, body);
                return;
            case "DELETE" when target.Name is not null && target.Subresource is null:
                await DeleteAsync(ctx, target);
                return;
            default:
                await WriteStatusAsync(ctx, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
                return;
        }
    }

    private bool TryParseTarget(string[] segments, out Target target)
    {
        target = default;
        string group, version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api") { group = ""; version = segments[1]; rest = 2; }
        else if (segments.Length >= 4 && segments[0] == "apis") { group = segments[1]; version = segments[2]; rest = 3; }
        else return false;

        var r = segments[rest..];
        string? ns = null, name, sub;
        string resource;
        if (r.Length >= 3 && r[0] == "namespaces" && !(r.Length == 3 && r[2] is "status" or "finalize"))
        {
            ns = r[1];
            resource = r[2];
            name = r.Length > 3 ? r[3] : null;
            sub = r.Length > 4 ? r[4] : null;
            if (r.Length > 5) return false;
        }
        else
        {
            resource = r[0];
            name = r.Length > 1 ? r[1] : null;
            sub = r.Length > 2 ? r[2] : null;
            if (r.Length > 3) return false;
        }
        target = new Target(TypeOf(group, version, resource, ns is not null), ns, name, sub);
        return true;
    }

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    private static JsonObject? ParseBody(string body)
    {
        try { return JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { return null; }
    }

    private static JsonObject ForOutput(JsonObject stored, KubeResourceType type)
    {
        var copy = (JsonObject)stored.DeepClone();
        copy["apiVersion"] = type.ApiVersion;
        copy["kind"] = type.Kind;
        return copy;
    }

    private Task NotFound(HttpContext ctx, Target t) =>
        WriteStatusAsync(ctx, 404, "NotFound", $"{t.Qualified} \"{t.Name}\" not found", t.Name, t.Type.Group, t.Type.Resource);

    private Task Conflict(HttpContext ctx, Target t) =>
        WriteStatusAsync(ctx, 409, "Conflict",
            $"Operation cannot be fulfilled on {t.Qualified} \"{t.Name}\": the object has been modified; please apply your changes to the latest version and try again",
            t.Name, t.Type.Group, t.Type.Resource);

    private async Task GetAsync(HttpContext ctx, Target t)
    {
        JsonObject? result;
        lock (_storeLock)
        {
            result = _objects.TryGetValue(new StoreKey(t.Type.Group, t.Type.Resource, t.Namespace ?? "", t.Name!), out var stored)
                ? t.Subresource == "scale" ? ScaleOf(stored.Object) : ForOutput(stored.Object, t.Type)
                : null;
        }
        if (result is null) await NotFound(ctx, t);
        else await WriteJsonAsync(ctx, 200, result);
    }

    private async Task ListAsync(HttpContext ctx, Target t)
    {
        if (!TryBuildFilter(ctx, out var filter, out var error)) { await WriteStatusAsync(ctx, 400, "BadRequest", error); return; }
        List<JsonObject> items;
        long rv;
        lock (_storeLock)
        {
            rv = _resourceVersion;
            items = _objects
                .Where(kv => kv.Key.Group == t.Type.Group && kv.Key.Resource == t.Type.Resource && (t.Namespace is null || kv.Key.Namespace == t.Namespace) && filter(kv.Value.Object))
                .OrderBy(kv => kv.Key.Namespace, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(kv => (JsonObject)kv.Value.Object.DeepClone())
                .ToList();
        }
        var offset = 0;
        if (ctx.Request.Query["continue"].ToString() is { Length: > 0 } token)
        {
            try { offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture); }
            catch (FormatException) { await WriteStatusAsync(ctx, 400, "BadRequest", "invalid continue token"); return; }
        }
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        var page = items.Skip(offset);
        if (int.TryParse(ctx.Request.Query["limit"], out var limit) && limit > 0)
        {
            page = page.Take(limit);
            if (offset + limit < items.Count)
            {
                metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + limit).ToString(CultureInfo.InvariantCulture)));
                metadata["remainingItemCount"] = items.Count - offset - limit;
            }
        }
        var array = new JsonArray();
        foreach (var item in page)
        {
            // The apiserver leaves kind/apiVersion off list items.
            item.Remove("kind");
            item.Remove("apiVersion");
            array.Add(item);
        }
        await WriteJsonAsync(ctx, 200, new JsonObject
        {
            ["kind"] = t.Type.Kind + "List",
            ["apiVersion"] = t.Type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = array,
        });
    }

    private static bool TryBuildFilter(HttpContext ctx, out Func<JsonObject, bool> filter, out string error)
    {
        filter = _ => true;
        if (!LabelSelector.TryParse(ctx.Request.Query["labelSelector"], out var labels, out error))
        {
            error = "unable to parse requirement: " + error;
            return false;
        }
        if (!TryParseFieldSelector(ctx.Request.Query["fieldSelector"], out var fields, out error)) return false;
        filter = o => labels.Matches(o["metadata"]?["labels"] as JsonObject) && fields(o);
        return true;
    }

    private async Task WatchAsync(HttpContext ctx, Target t)
    {
        if (!TryBuildFilter(ctx, out var filter, out var error)) { await WriteStatusAsync(ctx, 400, "BadRequest", error); return; }
        long? since = long.TryParse(ctx.Request.Query["resourceVersion"], out var v) ? v : null;
        var timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"], out var s) && s > 0 ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan;

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        var subscription = Subscribe(t.Type, t.Namespace, filter, since);
        if (subscription is null)
        {
            long oldest;
            lock (_storeLock) oldest = _oldestResumableVersion;
            await WriteLineAsync(ctx, new JsonObject
            {
                ["type"] = "ERROR",
                ["object"] = StatusObject(410, "Expired", $"too old resource version: {since} ({oldest})"),
            });
            return;
        }

        var (watcher, replay) = subscription.Value;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _lifetime.Token);
        if (timeout != Timeout.InfiniteTimeSpan) stop.CancelAfter(timeout);
        try
        {
            await ctx.Response.StartAsync(stop.Token);
            foreach (var e in replay) await WriteEventAsync(ctx, e, t.Type, stop.Token);
            await foreach (var e in watcher.Events.Reader.ReadAllAsync(stop.Token))
                await WriteEventAsync(ctx, e, t.Type, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds ends the stream cleanly; the API going away or the client leaving cuts it.
            if (_lifetime.IsCancellationRequested || ctx.RequestAborted.IsCancellationRequested) ctx.Abort();
        }
        finally
        {
            Unsubscribe(watcher);
        }
    }

    private static Task WriteEventAsync(HttpContext ctx, WatchEvent e, KubeResourceType asType, CancellationToken ct) =>
        WriteLineAsync(ctx, new JsonObject { ["type"] = e.Type, ["object"] = ForOutput(e.Object, asType) }, ct);

    private static async Task WriteLineAsync(HttpContext ctx, JsonObject line, CancellationToken ct = default)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
        await ctx.Response.Body.WriteAsync(bytes, ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    private async Task CreateAsync(HttpContext ctx, Target t, string body)
    {
        if (t.Subresource is not null) { await WriteStatusAsync(ctx, 405, "MethodNotAllowed", "create is not supported on a subresource"); return; }
        var obj = ParseBody(body);
        if (obj is null) { await WriteStatusAsync(ctx, 400, "BadRequest", "the request body is not a JSON object"); return; }
        var metadata = obj["metadata"] as JsonObject;
        if (metadata is null) { metadata = []; obj["metadata"] = metadata; }
        var name = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            var prefix = metadata["generateName"]?.GetValue<string>();
            if (string.IsNullOrEmpty(prefix))
            {
                await WriteStatusAsync(ctx, 422, "Invalid", $"{t.Type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required", kind: t.Type.Kind);
                return;
            }
            name = prefix + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..5].ToLowerInvariant();
            metadata["name"] = name;
        }
        if (!NamespaceMatches(metadata, t.Namespace))
        {
            await WriteStatusAsync(ctx, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
            return;
        }
        if (t.Namespace is not null) metadata["namespace"] = t.Namespace;
        metadata.Remove("resourceVersion");
        metadata.Remove("uid");
        metadata["generation"] = 1;
        metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        obj["apiVersion"] = t.Type.ApiVersion;
        obj["kind"] = t.Type.Kind;

        JsonObject created;
        lock (_storeLock)
        {
            var key = new StoreKey(t.Type.Group, t.Type.Resource, t.Namespace ?? "", name);
            if (_objects.ContainsKey(key)) created = null!;
            else
            {
                FillCreateMetadata(obj, null);
                Commit("ADDED", key, t.Type, obj);
                created = ForOutput(obj, t.Type);
            }
        }
        if (created is null)
            await WriteStatusAsync(ctx, 409, "AlreadyExists", $"{t.Qualified} \"{name}\" already exists", name, t.Type.Group, t.Type.Resource);
        else
            await WriteJsonAsync(ctx, 201, created);
    }

    private static bool NamespaceMatches(JsonObject metadata, string? ns) =>
        metadata["namespace"]?.GetValue<string>() is not { Length: > 0 } bodyNs || bodyNs == ns;

    /// <summary>PUT (and the tail of PATCH): replaces the object, its status or its scale, honouring resourceVersion.</summary>
    private async Task UpdateAsync(HttpContext ctx, Target t, JsonObject? body, string? precondition)
    {
        if (body is null) { await WriteStatusAsync(ctx, 400, "BadRequest", "the request body is not a JSON object"); return; }
        var bodyMeta = body["metadata"] as JsonObject;
        var bodyName = bodyMeta?["name"]?.GetValue<string>();
        if (bodyName is { Length: > 0 } && bodyName != t.Name)
        {
            await WriteStatusAsync(ctx, 400, "BadRequest", "the name of the object does not match the name on the URL");
            return;
        }
        if (bodyMeta is not null && !NamespaceMatches(bodyMeta, t.Namespace))
        {
            await WriteStatusAsync(ctx, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
            return;
        }
        var wantedVersion = precondition ?? bodyMeta?["resourceVersion"]?.GetValue<string>();

        int code;
        JsonObject? result = null;
        lock (_storeLock)
        {
            var key = new StoreKey(t.Type.Group, t.Type.Resource, t.Namespace ?? "", t.Name!);
            if (!_objects.TryGetValue(key, out var stored)) code = 404;
            else if (!string.IsNullOrEmpty(wantedVersion) && wantedVersion != stored.Object["metadata"]!["resourceVersion"]!.GetValue<string>()) code = 409;
            else
            {
                var next = (JsonObject)stored.Object.DeepClone();
                switch (t.Subresource)
                {
                    case null:
                        next = (JsonObject)body.DeepClone();
                        var meta = next["metadata"] as JsonObject ?? [];
                        next["metadata"] = meta;
                        var oldMeta = (JsonObject)stored.Object["metadata"]!;
                        foreach (var keep in new[] { "uid", "creationTimestamp", "namespace", "name", "generation" })
                            if (oldMeta[keep] is { } value) meta[keep] = value.DeepClone();
                        if (t.Type.HasStatus)
                        {
                            if (stored.Object["status"] is { } oldStatus) next["status"] = oldStatus.DeepClone();
                            else next.Remove("status");
                        }
                        if (!JsonNode.DeepEquals(stored.Object["spec"], next["spec"]))
                            meta["generation"] = (AsLong(oldMeta["generation"]) ?? 1) + 1;
                        next["apiVersion"] = t.Type.ApiVersion;
                        next["kind"] = t.Type.Kind;
                        break;
                    case "status":
                        if (body["status"] is { } status) next["status"] = status.DeepClone();
                        else next.Remove("status");
                        break;
                    case "scale":
                        var replicas = body["spec"]?["replicas"];
                        if (AsLong(replicas) is not { } n64 || n64 < 0 || n64 > int.MaxValue) { code = 422; goto done; }
                        var n = (int)n64;
                        var spec = next["spec"] as JsonObject ?? [];
                        next["spec"] = spec;
                        if (AsLong(spec["replicas"]) != n)
                        {
                            spec["replicas"] = n;
                            var m = (JsonObject)next["metadata"]!;
                            m["generation"] = (AsLong(m["generation"]) ?? 1) + 1;
                        }
                        break;
                }
                Commit("MODIFIED", key, t.Type, next);
                result = t.Subresource == "scale" ? ScaleOf(next) : ForOutput(next, t.Type);
                code = 200;
            }
            done:;
        }
        switch (code)
        {
            case 404: await NotFound(ctx, t); break;
            case 409: await Conflict(ctx, t); break;
            case 422: await WriteStatusAsync(ctx, 422, "Invalid", $"Scale.autoscaling \"{t.Name}\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0", t.Name, "autoscaling", "Scale"); break;
            default: await WriteJsonAsync(ctx, 200, result!); break;
        }
    }

    private async Task PatchAsync(HttpContext ctx, Target t, string body)
    {
        var contentType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        JsonNode? patch;
        try { patch = JsonNode.Parse(body); }
        catch (JsonException e) { await WriteStatusAsync(ctx, 400, "BadRequest", "the patch is not valid JSON: " + e.Message); return; }

        JsonObject? current;
        lock (_storeLock)
        {
            current = _objects.TryGetValue(new StoreKey(t.Type.Group, t.Type.Resource, t.Namespace ?? "", t.Name!), out var stored)
                ? t.Subresource == "scale" ? ScaleOf(stored.Object) : (JsonObject)stored.Object.DeepClone()
                : null;
        }
        if (current is null) { await NotFound(ctx, t); return; }

        JsonObject? patched;
        switch (contentType)
        {
            case "application/merge-patch+json":
            case "application/strategic-merge-patch+json":
                patched = MergePatch(current, patch) as JsonObject;
                break;
            case "application/json-patch+json":
                if (!TryApplyJsonPatch(current, patch as JsonArray, out patched, out var error))
                {
                    await WriteStatusAsync(ctx, 422, "Invalid", error);
                    return;
                }
                break;
            default:
                await WriteStatusAsync(ctx, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
                return;
        }
        // A resourceVersion inside the patch is a precondition; otherwise the patch applies to whatever is current.
        var precondition = (patch as JsonObject)?["metadata"]?["resourceVersion"]?.GetValue<string>()
                           ?? current["metadata"]!["resourceVersion"]!.GetValue<string>();
        await UpdateAsync(ctx, t, patched, precondition);
    }

    private static bool TryApplyJsonPatch(JsonObject current, JsonArray? ops, out JsonObject? patched, out string error)
    {
        patched = (JsonObject)current.DeepClone();
        error = "";
        if (ops is null) { error = "a JSON patch must be an array"; return false; }
        foreach (var op in ops.OfType<JsonObject>())
        {
            var kind = op["op"]?.GetValue<string>();
            var path = op["path"]?.GetValue<string>() ?? "";
            var parts = path.Split('/').Skip(1).Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            if (parts.Length == 0) { error = $"invalid path \"{path}\""; return false; }
            JsonNode? parent = patched;
            foreach (var p in parts[..^1])
                parent = parent switch { JsonObject o => o[p], JsonArray a when int.TryParse(p, out var i) && i < a.Count => a[i], _ => null };
            var last = parts[^1];
            switch (kind, parent)
            {
                case ("add" or "replace", JsonObject o):
                    if (kind == "replace" && !o.ContainsKey(last)) { error = $"replace operation does not apply: doc is missing key: {path}"; return false; }
                    o[last] = op["value"]?.DeepClone();
                    break;
                case ("add", JsonArray a):
                    if (last == "-") a.Add(op["value"]?.DeepClone());
                    else if (int.TryParse(last, out var i) && i <= a.Count) a.Insert(i, op["value"]?.DeepClone());
                    else { error = $"invalid index in {path}"; return false; }
                    break;
                case ("replace", JsonArray a) when int.TryParse(last, out var i) && i < a.Count:
                    a[i] = op["value"]?.DeepClone();
                    break;
                case ("remove", JsonObject o) when o.ContainsKey(last):
                    o.Remove(last);
                    break;
                case ("remove", JsonArray a) when int.TryParse(last, out var i) && i < a.Count:
                    a.RemoveAt(i);
                    break;
                case ("test", JsonObject o):
                    if (!JsonNode.DeepEquals(o[last], op["value"])) { error = $"testing value {path} failed"; return false; }
                    break;
                default:
                    error = $"unable to apply {kind} at {path}";
                    return false;
            }
        }
        return true;
    }

    private async Task DeleteAsync(HttpContext ctx, Target t)
    {
        JsonObject? deleted = null;
        lock (_storeLock)
        {
            var key = new StoreKey(t.Type.Group, t.Type.Resource, t.Namespace ?? "", t.Name!);
            if (_objects.TryGetValue(key, out var stored))
            {
                deleted = ForOutput(stored.Object, t.Type);
                CommitDelete(key, stored);
            }
        }
        if (deleted is null) await NotFound(ctx, t);
        else await WriteJsonAsync(ctx, 200, deleted);
    }

    /// <summary>The autoscaling/v1 Scale view of a scalable workload.</summary>
    private static JsonObject ScaleOf(JsonObject workload)
    {
        var meta = (JsonObject)workload["metadata"]!;
        var scaleMeta = new JsonObject();
        foreach (var k in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
            if (meta[k] is { } v) scaleMeta[k] = v.DeepClone();
        var specReplicas = AsLong(workload["spec"]?["replicas"]) ?? 1;
        var statusReplicas = AsLong(workload["status"]?["replicas"]) ?? 0;
        var status = new JsonObject { ["replicas"] = statusReplicas };
        var selector = SelectorString(workload["spec"]?["selector"] as JsonObject);
        if (selector.Length > 0) status["selector"] = selector;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = specReplicas },
            ["status"] = status,
        };
    }

    /// <summary>metav1.LabelSelector (or a ReplicationController's plain map) as the selector string /scale reports.</summary>
    public static string SelectorString(JsonObject? selector)
    {
        if (selector is null) return "";
        var parts = new List<(string Key, string Text)>();
        var isStructured = selector.ContainsKey("matchLabels") || selector.ContainsKey("matchExpressions");
        var labels = isStructured ? selector["matchLabels"] as JsonObject : selector;
        if (labels is not null)
            foreach (var (k, v) in labels) parts.Add((k, $"{k}={v?.GetValue<string>()}"));
        if (isStructured && selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var key = e["key"]?.GetValue<string>() ?? "";
                var values = ((e["values"] as JsonArray) ?? []).Select(x => x?.GetValue<string>() ?? "").Order(StringComparer.Ordinal).ToList();
                var op = e["operator"]?.GetValue<string>();
                parts.Add((key, op switch
                {
                    "In" => $"{key} in ({string.Join(",", values)})",
                    "NotIn" => $"{key} notin ({string.Join(",", values)})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    _ => $"{key} {op} ({string.Join(",", values)})",
                }));
            }
        }
        return string.Join(",", parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }
}
