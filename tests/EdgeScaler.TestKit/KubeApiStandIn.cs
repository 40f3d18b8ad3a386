// KubeApiStandIn — an in-process Kubernetes API server for tests (no real apiserver can run here).
//
// What it speaks (REST/JSON, as kube-apiserver does):
//   * GET list / get for any group/version/resource, namespaced or cluster-wide
//     (/api/v1/..., /apis/{group}/{version}/..., /namespaces/{ns}/...), with labelSelector
//     (=, ==, !=, in, notin, exists, !exists), fieldSelector (=, ==, != on dotted paths), limit/continue.
//   * ?watch=true streaming of ADDED / MODIFIED / DELETED lines (and ERROR 410 Expired for a
//     resourceVersion older than the retained history); resume from a resourceVersion; timeoutSeconds.
//   * POST create (generateName, AlreadyExists), PUT replace with resourceVersion optimistic concurrency
//     (409 Conflict as metav1.Status), PATCH (merge-patch; strategic-merge treated as merge; a
//     metadata.resourceVersion in the patch is a precondition), DELETE.
//   * Subresources: /status for everything (status-only writes; main-resource writes keep the old status
//     for resources registered with a status subresource), /scale (autoscaling/v1 Scale) for apps/v1
//     deployments, statefulsets, replicasets (and any resource registered with HasScale).
//   * Discovery: /version, /api, /apis, /api/v1, /apis/{g}/{v} from the resource registry.
//   * Errors are metav1.Status objects with upstream's reasons (NotFound, AlreadyExists, Conflict, BadRequest...).
//
// Test hooks:
//   * Seed/Get/Mutate/Remove: touch the store directly (each write bumps resourceVersion and notifies watchers).
//   * Intercept(middleware): runs before the built-in handler; handle the request or call next
//     (TokenReview, SubjectAccessReview, custom.metrics.k8s.io, failure injection...). Map(method, path, handler)
//     is the exact-path shorthand; FailNext(...) fails the next N matching requests; ResponseDelay slows everything.
//   * GoAwayAsync()/ComeBackAsync(): stop listening (connections refused, watches cut) and restart on the same port,
//     keeping the store — "the API goes away and comes back".
//   * Requests: the request log (method, path, query, content type, body, status) to assert on.
//   * CreateClient() / WriteKubeconfig(path): a KubernetesClient or a kubeconfig (for kubectl or our CLI).
// Start with `await using var api = await KubeApiStandIn.StartAsync();` (optionally `new KubeApiStandInOptions { UseTls = true }`).
namespace EdgeScaler.TestKit;

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

/// <summary>Options for <see cref="KubeApiStandIn"/>.</summary>
public sealed class KubeApiStandInOptions
{
    /// <summary>Serve HTTPS with a fresh self-signed certificate for 127.0.0.1/localhost.</summary>
    public bool UseTls { get; set; }

    /// <summary>When set, every request must carry "Authorization: Bearer &lt;token&gt;" or gets 401 Unauthorized.</summary>
    public string? RequiredBearerToken { get; set; }

    /// <summary>When set (with <see cref="UseTls"/>), every request must present a client certificate issued by this CA,
    /// as kube-apiserver's --client-ca-file authenticates k3s's kubeconfig users, or gets 401 Unauthorized.</summary>
    public X509Certificate2? ClientCertificateAuthority { get; set; }

    /// <summary>When true (default), writing spec.replicas of a scalable workload also sets status.replicas, like the
    /// workload controllers would once pods exist. Turn off to drive status by hand.</summary>
    public bool MirrorReplicasToStatus { get; set; } = true;

    /// <summary>How many watch events are kept for resuming from a resourceVersion (older → 410 Expired).</summary>
    public int WatchHistoryLimit { get; set; } = 10_000;
}

/// <summary>One request the stand-in served, as tests assert on it.</summary>
public sealed record KubeApiRequest(DateTimeOffset At, string Method, string Path, string Query, string? ContentType, string Body, int StatusCode)
{
    public override string ToString() => $"{Method} {Path}{Query} -> {StatusCode}";
}

public sealed partial class KubeApiStandIn : IAsyncDisposable
{
    private readonly KubeApiStandInOptions _options;
    private readonly X509Certificate2? _certificate;
    private readonly ConcurrentQueue<KubeApiRequest> _requests = new();
    private readonly List<Func<HttpContext, Func<Task>, Task>> _interceptors = [];
    private readonly object _interceptorLock = new();
    private WebApplication? _app;
    private CancellationTokenSource _lifetime = new();
    private int _port;

    private KubeApiStandIn(KubeApiStandInOptions options)
    {
        _options = options;
        if (options.UseTls) _certificate = CreateSelfSignedCertificate();
        RegisterBuiltInResources();
    }

    /// <summary>Starts a stand-in on 127.0.0.1 with a free port.</summary>
    public static async Task<KubeApiStandIn> StartAsync(KubeApiStandInOptions? options = null)
    {
        var standIn = new KubeApiStandIn(options ?? new KubeApiStandInOptions());
        await standIn.ListenAsync(0);
        return standIn;
    }

    /// <summary>Base address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl => $"{(_options.UseTls ? "https" : "http")}://127.0.0.1:{_port}";

    public int Port => _port;

    /// <summary>The server certificate when <see cref="KubeApiStandInOptions.UseTls"/> is set (trust it as the CA).</summary>
    public X509Certificate2? Certificate => _certificate;

    /// <summary>True while the server is listening (false between <see cref="GoAwayAsync"/> and <see cref="ComeBackAsync"/>).</summary>
    public bool IsUp => _app is not null;

    /// <summary>Delay applied to every response (slow API). Zero by default; change any time.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Every request served so far, oldest first.</summary>
    public IReadOnlyList<KubeApiRequest> Requests => _requests.ToArray();

    /// <summary>Requests whose method matches and whose path contains <paramref name="pathContains"/>.</summary>
    public IReadOnlyList<KubeApiRequest> RequestsTo(string method, string pathContains) =>
        _requests.Where(r => r.Method.Equals(method, StringComparison.OrdinalIgnoreCase) && r.Path.Contains(pathContains, StringComparison.Ordinal)).ToArray();

    public void ClearRequestLog() => _requests.Clear();

    /// <summary>
    /// Adds a middleware that runs before the built-in API (newest last). Call <c>next()</c> to fall through.
    /// Dispose the result to remove it.
    /// </summary>
    public IDisposable Intercept(Func<HttpContext, Func<Task>, Task> middleware)
    {
        lock (_interceptorLock) _interceptors.Add(middleware);
        return new Removal(() => { lock (_interceptorLock) _interceptors.Remove(middleware); });
    }

    /// <summary>Serves <paramref name="method"/> on exactly <paramref name="path"/> with <paramref name="handler"/>
    /// (e.g. POST /apis/authentication.k8s.io/v1/tokenreviews).</summary>
    public IDisposable Map(string method, string path, Func<HttpContext, Task> handler) =>
        Intercept((ctx, next) =>
            ctx.Request.Method.Equals(method, StringComparison.OrdinalIgnoreCase) && ctx.Request.Path.Value == path
                ? handler(ctx)
                : next());

    /// <summary>Fails the next <paramref name="times"/> requests matching method (null = any) and path substring
    /// with <paramref name="statusCode"/> and a metav1.Status body.</summary>
    public IDisposable FailNext(string? method, string pathContains, int statusCode, int times = 1, string? reason = null)
    {
        var remaining = times;
        return Intercept(async (ctx, next) =>
        {
            var matches = (method is null || ctx.Request.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
                          && (ctx.Request.Path.Value ?? "").Contains(pathContains, StringComparison.Ordinal);
            if (matches && Interlocked.Decrement(ref remaining) >= 0)
            {
                await WriteStatusAsync(ctx, statusCode, reason ?? ReasonFor(statusCode), $"injected failure ({statusCode})");
                return;
            }
            await next();
        });
    }

    /// <summary>Stops listening: open connections and watches are cut, new connections are refused. The store is kept.</summary>
    public async Task GoAwayAsync()
    {
        var app = _app;
        if (app is null) return;
        _app = null;
        await _lifetime.CancelAsync();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }

    /// <summary>Listens again on the same port with the same store.</summary>
    public async Task ComeBackAsync()
    {
        if (_app is not null) return;
        _lifetime.Dispose();
        _lifetime = new CancellationTokenSource();
        // The port was ours a moment ago; retry briefly in case the kernel has not released it yet.
        for (var attempt = 0; ; attempt++)
        {
            try { await ListenAsync(_port); return; }
            catch (IOException) when (attempt < 50) { await Task.Delay(100); }
        }
    }

    /// <summary>A KubernetesClient pointed at this stand-in (trusting its certificate, carrying the bearer token if required).</summary>
    public Kubernetes CreateClient() => new(CreateClientConfiguration());

    public KubernetesClientConfiguration CreateClientConfiguration()
    {
        var config = new KubernetesClientConfiguration { Host = BaseUrl, AccessToken = _options.RequiredBearerToken };
        if (_certificate is not null)
            config.SslCaCerts = [X509CertificateLoader.LoadCertificate(_certificate.Export(X509ContentType.Cert))];
        return config;
    }

    /// <summary>Writes a kubeconfig for this stand-in (context "standin", namespace "default"): the user is a bearer token,
    /// or a client certificate and key (PEM) when given, as k3s writes its admin kubeconfig.</summary>
    public string WriteKubeconfig(string path, string? token = null, (string CertificatePem, string KeyPem)? clientCertificate = null)
    {
        token ??= _options.RequiredBearerToken ?? "standin-token";
        var cluster = _certificate is null
            ? $"    server: {BaseUrl}\n"
            : $"    server: {BaseUrl}\n    certificate-authority-data: {Base64(_certificate.ExportCertificatePem())}\n";
        var user = clientCertificate is { } c
            ? $"    client-certificate-data: {Base64(c.CertificatePem)}\n    client-key-data: {Base64(c.KeyPem)}\n"
            : "    token: " + token + "\n";
        var yaml =
            "apiVersion: v1\nkind: Config\nclusters:\n- name: standin\n  cluster:\n" + cluster +
            "users:\n- name: standin\n  user:\n" + user +
            "contexts:\n- name: standin\n  context:\n    cluster: standin\n    user: standin\n    namespace: default\n" +
            "current-context: standin\n";
        File.WriteAllText(path, yaml);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await GoAwayAsync();
        _lifetime.Dispose();
        _certificate?.Dispose();
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                if (_certificate is not null)
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = _certificate,
                        // Asked for, checked per request (like kube-apiserver, which also serves token users).
                        ClientCertificateMode = _options.ClientCertificateAuthority is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = (_, _, _) => true,
                    });
            });
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        _port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        ctx.Request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, leaveOpen: true))
            body = await reader.ReadToEndAsync(ctx.RequestAborted);
        ctx.Request.Body.Position = 0;

        try
        {
            if (ResponseDelay > TimeSpan.Zero) await Task.Delay(ResponseDelay, ctx.RequestAborted);
            if ((_options.RequiredBearerToken is { } token && ctx.Request.Headers.Authorization.ToString() != "Bearer " + token)
                || (_options.ClientCertificateAuthority is { } clientCa && !IssuedBy(clientCa, ctx.Connection.ClientCertificate)))
            {
                await WriteStatusAsync(ctx, 401, "Unauthorized", "Unauthorized");
                return;
            }

            Func<HttpContext, Func<Task>, Task>[] chain;
            lock (_interceptorLock) chain = [.. _interceptors];
            await RunChainAsync(ctx, chain, 0, body);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested || _lifetime.IsCancellationRequested)
        {
            ctx.Abort();
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            // A bug in the stand-in must show up in the test, not as an empty 500.
            await WriteStatusAsync(ctx, 500, "InternalError", "stand-in failure: " + e);
        }
        finally
        {
            _requests.Enqueue(new KubeApiRequest(DateTimeOffset.UtcNow, ctx.Request.Method, ctx.Request.Path.Value ?? "",
                ctx.Request.QueryString.Value ?? "", ctx.Request.ContentType, body, ctx.Response.StatusCode));
        }
    }

    private Task RunChainAsync(HttpContext ctx, Func<HttpContext, Func<Task>, Task>[] chain, int index, string body) =>
        index < chain.Length
            ? chain[index](ctx, () => RunChainAsync(ctx, chain, index + 1, body))
            : ServeApiAsync(ctx, body);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static bool IssuedBy(X509Certificate2 ca, X509Certificate2? client)
    {
        if (client is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver-standin", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        private Action? _remove = remove;
        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
