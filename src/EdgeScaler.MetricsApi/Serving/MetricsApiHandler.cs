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
    private readonly ResponseCache _cache = new();
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
        var routeName = target.Kind.ToString().ToLowerInvariant();

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
        if (!TryParseSelectors(ctx, out var labels, out var fields, out var selectorError)) { await WriteErrorAsync(ctx, selectorError!); return; }
        var key = $"{t.Version}|nodes|{labels}|{ctx.Request.Query["fieldSelector"]}";
        var body = _cache.GetOrRender(key, nodes, now.ToUnixTimeSeconds(), () =>
        {
            var items = nodes.Where(n => labels.Matches(n.Labels) && fields.Matches(n.NodeName, null))
                .OrderBy(n => n.NodeName, StringComparer.Ordinal);
            return Render(w => MetricsJson.WriteNodeList(w, t.Version, items, now));
        });
        await WriteBytesAsync(ctx, 200, JsonContentType, body);
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
        if (!TryParseSelectors(ctx, out var labels, out var fields, out var selectorError)) { await WriteErrorAsync(ctx, selectorError!); return; }
        var key = $"{t.Version}|pods|{t.Namespace}|{labels}|{ctx.Request.Query["fieldSelector"]}";
        var ns = t.Namespace;
        var body = _cache.GetOrRender(key, pods, now.ToUnixTimeSeconds(), () =>
        {
            var items = pods.Where(p => (ns is null || p.Pod.Namespace == ns) && labels.Matches(p.Pod.Labels) && fields.Matches(p.Pod.Name, p.Pod.Namespace))
                .OrderBy(p => p.Pod.Namespace, StringComparer.Ordinal).ThenBy(p => p.Pod.Name, StringComparer.Ordinal);
            return Render(w => MetricsJson.WritePodList(w, t.Version, items, now));
        });
        await WriteBytesAsync(ctx, 200, JsonContentType, body);
    }

    private static bool TryParseSelectors(HttpContext ctx, out LabelSelector labels, out FieldSelector fields, out ApiError? error)
    {
        error = null;
        labels = LabelSelector.Everything;
        fields = FieldSelector.Everything;
        try
        {
            labels = LabelSelector.Parse(ctx.Request.Query["labelSelector"].ToString());
            fields = FieldSelector.Parse(ctx.Request.Query["fieldSelector"].ToString());
            return true;
        }
        catch (SelectorParseException e)
        {
            error = ApiError.BadRequest(e.Message);
            return false;
        }
    }

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

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true })) write(w);
        return buffer.WrittenSpan.ToArray();
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
        return res.Body.WriteAsync(body, ctx.RequestAborted).AsTask();
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
