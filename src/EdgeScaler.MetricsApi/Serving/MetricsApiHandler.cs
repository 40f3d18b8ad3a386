namespace EdgeScaler.MetricsApi.Serving;

using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeScaler.Core.Metrics;
using EdgeScaler.MetricsApi.Security;
using EdgeScaler.MetricsApi.Selectors;
using EdgeScaler.MetricsApi.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// The whole HTTP surface in one terminal handler: path dispatch (exact metrics-server paths, trailing slashes
/// tolerated), authentication and authorization, content (always JSON, never 406), errors as metav1.Status.
/// One hand-written dispatcher instead of endpoint routing: no reflection, and every unknown path, verb or
/// parameter gets the Status a Kubernetes client expects.
/// </summary>
internal sealed class MetricsApiHandler
{
    /// <summary>Path peers pull this agent's own samples from (not the merged view, so views never loop).</summary>
    public const string LocalSamplesPath = "/apis/edgescaler.io/v1/localsamples";

    private const string JsonContentType = "application/json";

    private readonly IClusterMetrics _metrics;
    private readonly IRequestAuthenticator _authenticator;
    private readonly IRequestAuthorizer _authorizer;
    private readonly SelfMetrics _stats;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Func<byte[]>? _localSamples;
    private readonly HealthChecks _health;
    private readonly ResponseCache<ListKey> _cache = new();
    private readonly byte[] _version;

    public MetricsApiHandler(IClusterMetrics metrics, IRequestAuthenticator authenticator, IRequestAuthorizer authorizer,
        SelfMetrics stats, TimeProvider time, ILogger log, Func<byte[]>? localSamples)
    {
        _metrics = metrics;
        _authenticator = authenticator;
        _authorizer = authorizer;
        _stats = stats;
        _time = time;
        _log = log;
        _localSamples = localSamples;
        _health = new HealthChecks(metrics);
        _version = RenderVersion();
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var started = Stopwatch.GetTimestamp();
        var route = "other";
        try
        {
            route = await DispatchAsync(ctx);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            _log.LogError(e, "metrics API: {Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
            if (!ctx.Response.HasStarted) await WriteErrorAsync(ctx, ApiError.Internal(e.Message));
        }
        _stats.CountRequest(route, ctx.Response.StatusCode, Stopwatch.GetElapsedTime(started));
    }

    private async Task<string> DispatchAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var segments = (req.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isRead = HttpMethods.IsGet(req.Method) || HttpMethods.IsHead(req.Method);

        // Health and version are public, like genericapiserver's always-allow paths and system:public-info-viewer.
        if (_health.IsHealthPath(segments))
        {
            if (!isRead) { await WriteErrorAsync(ctx, ApiError.MethodNotAllowed(req.Method)); return "health"; }
            var (code, body) = _health.Evaluate(segments, req.Query.ContainsKey("verbose"));
            await WriteTextAsync(ctx, code, "text/plain; charset=utf-8", body);
            return "health";
        }
        if (segments is ["version"])
        {
            if (!isRead) { await WriteErrorAsync(ctx, ApiError.MethodNotAllowed(req.Method)); return "version"; }
            await WriteBytesAsync(ctx, 200, JsonContentType, _version);
            return "version";
        }

        var target = Classify(segments);
        if (target.Kind == TargetKind.Unknown)
        {
            await WriteErrorAsync(ctx, ApiError.NotFoundPath());
            return "unknown";
        }
        var routeName = RouteName(target.Kind);

        var authn = await _authenticator.AuthenticateAsync(ctx, ctx.RequestAborted);
        if (authn.User is not { } user)
        {
            if (authn.FailureReason is { } why) _log.LogInformation("metrics API: rejected credentials from {Remote}: {Reason}", ctx.Connection.RemoteIpAddress, why);
            await WriteErrorAsync(ctx, ApiError.Unauthorized());
            return routeName;
        }

        if (!isRead) { await WriteErrorAsync(ctx, ApiError.MethodNotAllowed(req.Method)); return routeName; }
        if (IsWatch(req) && target.Kind is TargetKind.Nodes or TargetKind.Pods)
        {
            await WriteErrorAsync(ctx, ApiError.WatchNotSupported(target.Resource!));
            return routeName;
        }

        var access = target.Kind switch
        {
            TargetKind.Nodes or TargetKind.Pods => AccessRequest.ForResource(target.Name is null ? "list" : "get", target.Resource!, target.Namespace, target.Name, target.Version.Name()),
            TargetKind.LocalSamples => AccessRequest.ForResource("list", "pods", null, null, "v1beta1") with { Path = LocalSamplesPath },
            _ => AccessRequest.ForPath(req.Path.Value ?? "/"),
        };
        var decision = await _authorizer.AuthorizeAsync(user, access, ctx.RequestAborted);
        if (decision.Error is { } authzError)
        {
            _log.LogWarning("metrics API: authorization failed for {User}: {Error}", user.Name, authzError);
            await WriteErrorAsync(ctx, ApiError.Internal("authorization check failed: " + authzError));
            return routeName;
        }
        if (!decision.Allowed)
        {
            await WriteErrorAsync(ctx, ApiError.Forbidden(access.ForbiddenMessage(user) + (string.IsNullOrEmpty(decision.Reason) ? "" : ": " + decision.Reason)));
            return routeName;
        }

        switch (target.Kind)
        {
            case TargetKind.GroupList:
                if (DiscoveryJson.WantsAggregatedV2(req.Headers.Accept.ToString()))
                    await WriteBytesAsync(ctx, 200, DiscoveryJson.AggregatedV2ContentType, DiscoveryJson.AggregatedV2);
                else
                    await WriteBytesAsync(ctx, 200, JsonContentType, DiscoveryJson.GroupList);
                break;
            case TargetKind.Group:
                await WriteBytesAsync(ctx, 200, JsonContentType, DiscoveryJson.Group);
                break;
            case TargetKind.ResourceList:
                await WriteBytesAsync(ctx, 200, JsonContentType, DiscoveryJson.ResourceListFor(target.Version));
                break;
            case TargetKind.Metrics:
                await WriteTextAsync(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", _stats.Render());
                break;
            case TargetKind.LocalSamples:
                if (_localSamples is null) await WriteErrorAsync(ctx, ApiError.NotFoundPath());
                else await WriteBytesAsync(ctx, 200, JsonContentType, _localSamples());
                break;
            case TargetKind.Nodes:
                await ServeNodesAsync(ctx, target);
                break;
            case TargetKind.Pods:
                await ServePodsAsync(ctx, target);
                break;
        }
        return routeName;
    }

    private async Task ServeNodesAsync(HttpContext ctx, Target t)
    {
        var now = _time.GetUtcNow();
        var nodes = _metrics.Nodes();
        if (t.Name is { } name)
        {
            foreach (var n in nodes)
                if (n.NodeName == name) { await WriteBytesAsync(ctx, 200, JsonContentType, Render(w => MetricsJson.WriteNode(w, t.Version, n, now))); return; }
            await WriteErrorAsync(ctx, ApiError.NotFound(MetricsApiVersions.Group, "nodemetrics", name));
            return;
        }
        await ServeListAsync(ctx, new ListKey(t.Version, TargetKind.Nodes, null, LabelText(ctx), FieldText(ctx)), nodes, now);
    }

    private async Task ServePodsAsync(HttpContext ctx, Target t)
    {
        var now = _time.GetUtcNow();
        var pods = _metrics.Pods();
        if (t.Name is { } name)
        {
            foreach (var p in pods)
                if (p.Pod.Name == name && p.Pod.Namespace == t.Namespace) { await WriteBytesAsync(ctx, 200, JsonContentType, Render(w => MetricsJson.WritePod(w, t.Version, p, now))); return; }
            await WriteErrorAsync(ctx, ApiError.NotFound(MetricsApiVersions.Group, "podmetrics", $"{t.Namespace}/{name}"));
            return;
        }
        await ServeListAsync(ctx, new ListKey(t.Version, TargetKind.Pods, t.Namespace, LabelText(ctx), FieldText(ctx)), pods, now);
    }

    /// <summary>
    /// A list answer from the cache when the snapshot and second match (selectors are parsed only to fill the
    /// cache: a cached body implies they parsed), else filtered, sorted and rendered once for all waiting requests.
    /// </summary>
    private async Task ServeListAsync<T>(HttpContext ctx, ListKey key, IReadOnlyList<T> items, DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (!_cache.TryGet(key, items, second, out var body))
        {
            if (!TryParseSelectors(key.LabelSelector, key.FieldSelector, out var labels, out var fields, out var selectorError))
            {
                await WriteErrorAsync(ctx, selectorError!);
                return;
            }
            body = _cache.GetOrRender(key, items, second, (Items: (object)items, Key: key, Labels: labels, Fields: fields, Now: now), static s =>
                s.Items is IReadOnlyList<PodUsage> pods ? RenderPods(pods, s.Key, s.Labels, s.Fields, s.Now) : RenderNodes((IReadOnlyList<NodeUsage>)s.Items, s.Key, s.Labels, s.Fields, s.Now));
        }
        if (body.Json.Length > ResponseCompression.ThresholdBytes && ResponseCompression.AcceptsGzip(ctx.Request.Headers.AcceptEncoding.ToString()))
        {
            ctx.Response.Headers.ContentEncoding = "gzip";
            ctx.Response.Headers.Vary = "Accept-Encoding";
            await WriteBytesAsync(ctx, 200, JsonContentType, body.Gzip);
            return;
        }
        await WriteBytesAsync(ctx, 200, JsonContentType, body.Json);
    }

    private static byte[] RenderNodes(IReadOnlyList<NodeUsage> nodes, ListKey key, LabelSelector labels, FieldSelector fields, DateTimeOffset now)
    {
        var selected = new List<NodeUsage>(nodes.Count);
        foreach (var n in nodes)
            if (labels.Matches(n.Labels) && fields.Matches(n.NodeName, null)) selected.Add(n);
        if (!IsSorted(selected, NodeOrder)) selected.Sort(NodeOrder);
        return Render(w => MetricsJson.WriteNodeList(w, key.Version, selected, now));
    }

    private static byte[] RenderPods(IReadOnlyList<PodUsage> pods, ListKey key, LabelSelector labels, FieldSelector fields, DateTimeOffset now)
    {
        var selected = new List<PodUsage>(key.Namespace is null && labels.IsEmpty && fields.IsEmpty ? pods.Count : 16);
        foreach (var p in pods)
            if ((key.Namespace is null || p.Pod.Namespace == key.Namespace) && labels.Matches(p.Pod.Labels) && fields.Matches(p.Pod.Name, p.Pod.Namespace))
                selected.Add(p);
        if (!IsSorted(selected, PodOrder)) selected.Sort(PodOrder);
        return Render(w => MetricsJson.WritePodList(w, key.Version, selected, now));
    }

    // metrics-server's order: nodes by name, pods by namespace then name. The cluster store keeps its snapshot in this
    // order already, so sorting is usually a linear check.
    private static readonly Comparison<NodeUsage> NodeOrder = static (a, b) => string.CompareOrdinal(a.NodeName, b.NodeName);

    private static readonly Comparison<PodUsage> PodOrder = static (a, b) =>
        string.CompareOrdinal(a.Pod.Namespace, b.Pod.Namespace) is var c && c != 0 ? c : string.CompareOrdinal(a.Pod.Name, b.Pod.Name);

    private static bool IsSorted<T>(List<T> items, Comparison<T> order)
    {
        for (var i = 1; i < items.Count; i++)
            if (order(items[i - 1], items[i]) > 0) return false;
        return true;
    }

    private static string LabelText(HttpContext ctx) => ctx.Request.Query["labelSelector"].ToString();

    private static string FieldText(HttpContext ctx) => ctx.Request.Query["fieldSelector"].ToString();

    private static bool TryParseSelectors(string labelText, string fieldText, out LabelSelector labels, out FieldSelector fields, out ApiError? error)
    {
        error = null;
        labels = LabelSelector.Everything;
        fields = FieldSelector.Everything;
        try
        {
            labels = LabelSelector.Parse(labelText);
            fields = FieldSelector.Parse(fieldText);
            return true;
        }
        catch (SelectorParseException e)
        {
            error = ApiError.BadRequest(e.Message);
            return false;
        }
    }

    /// <summary>What a list answer depends on besides the snapshot and the second: the raw selector texts, as sent.</summary>
    private readonly record struct ListKey(MetricsApiVersion Version, TargetKind Kind, string? Namespace, string LabelSelector, string FieldSelector);

    private static bool IsWatch(HttpRequest req) =>
        req.Query.TryGetValue("watch", out var w) && w.ToString() is "true" or "1" or "True";

    private enum TargetKind { Unknown, GroupList, Group, ResourceList, Nodes, Pods, Metrics, LocalSamples }

    private readonly record struct Target(TargetKind Kind, MetricsApiVersion Version = default, string? Resource = null, string? Namespace = null, string? Name = null);

    private static Target Classify(string[] s)
    {
        switch (s)
        {
            case ["metrics"]: return new(TargetKind.Metrics);
            case ["apis"]: return new(TargetKind.GroupList);
            case ["apis", "edgescaler.io", "v1", "localsamples"]: return new(TargetKind.LocalSamples);
            case ["apis", MetricsApiVersions.Group]: return new(TargetKind.Group);
        }
        if (s.Length < 3 || s[0] != "apis" || s[1] != MetricsApiVersions.Group || !MetricsApiVersions.TryParse(s[2], out var v))
            return new(TargetKind.Unknown);
        return s[3..] switch
        {
            [] => new(TargetKind.ResourceList, v),
            ["nodes"] => new(TargetKind.Nodes, v, "nodes"),
            ["nodes", var n] => new(TargetKind.Nodes, v, "nodes", null, n),
            ["pods"] => new(TargetKind.Pods, v, "pods"),
            ["namespaces", var ns, "pods"] => new(TargetKind.Pods, v, "pods", ns),
            ["namespaces", var ns, "pods", var n] => new(TargetKind.Pods, v, "pods", ns, n),
            _ => new(TargetKind.Unknown),
        };
    }

    private static string RouteName(TargetKind kind) => kind switch
    {
        TargetKind.GroupList => "grouplist",
        TargetKind.Group => "group",
        TargetKind.ResourceList => "resourcelist",
        TargetKind.Nodes => "nodes",
        TargetKind.Pods => "pods",
        TargetKind.Metrics => "metrics",
        TargetKind.LocalSamples => "localsamples",
        _ => "unknown",
    };

    // One growable buffer and writer per thread, reused: rendering a 1,000-pod list then allocates only its result.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        var w = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        w.Reset(buffer);
        try
        {
            write(w);
            w.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 4 * 1024 * 1024) (t_buffer, t_writer) = (null, null); // do not keep an outsized buffer for good
        }
    }

    private static Task WriteErrorAsync(HttpContext ctx, ApiError error) =>
        WriteBytesAsync(ctx, error.Code, JsonContentType, Render(error.Write));

    private static Task WriteTextAsync(HttpContext ctx, int code, string contentType, string text) =>
        WriteBytesAsync(ctx, code, contentType, Encoding.UTF8.GetBytes(text));

    private static Task WriteBytesAsync(HttpContext ctx, int code, string contentType, byte[] body)
    {
        var res = ctx.Response;
        res.StatusCode = code;
        res.ContentType = contentType;
        res.ContentLength = body.Length;
        res.Headers.CacheControl = "no-cache, private";
        if (HttpMethods.IsHead(ctx.Request.Method)) return Task.CompletedTask;
        if (body.Length <= TlsRecordBytes) return res.Body.WriteAsync(body, ctx.RequestAborted).AsTask();
        return WriteInRecordsAsync(res.BodyWriter, body, ctx.RequestAborted);
    }

    private const int TlsRecordBytes = 16 * 1024;

    /// <summary>
    /// A large body in 16 KiB pieces asked for by size: the TLS layer encrypts each buffer it is handed as its own
    /// record, and Kestrel's default 4 KiB buffers would make a 370 KB pod list ~90 records and sends instead of ~23.
    /// </summary>
    private static async Task WriteInRecordsAsync(System.IO.Pipelines.PipeWriter writer, byte[] body, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < body.Length;)
        {
            var n = Math.Min(TlsRecordBytes, body.Length - offset);
            body.AsSpan(offset, n).CopyTo(writer.GetSpan(n));
            writer.Advance(n);
            offset += n;
            if (offset % (4 * TlsRecordBytes) != 0 && offset < body.Length) continue;
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCanceled || flushed.IsCompleted) return;
        }
    }

    private static byte[] RenderVersion() => Render(w =>
    {
        var asm = typeof(MetricsApiHandler).Assembly.GetName().Version ?? new Version(0, 0, 0);
        w.WriteStartObject();
        w.WriteString("major", asm.Major.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("minor", asm.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("gitVersion", $"v{asm.Major}.{asm.Minor}.{asm.Build}-edgescaler");
        w.WriteString("gitCommit", "");
        w.WriteString("gitTreeState", "");
        w.WriteString("buildDate", "");
        w.WriteString("goVersion", "");
        w.WriteString("compiler", "dotnet");
        w.WriteString("platform", $"linux/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        w.WriteEndObject();
    });
}
