namespace EdgeScaler.MetricsApi.Tests;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

/// <summary>Starts a real server (TLS on 127.0.0.1:0) around a cluster view and gives a client that trusts it.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    public MetricsApiServer Server { get; }
    public HttpClient Client { get; }
    public string CertDir { get; }

    private RunningServer(MetricsApiServer server, string certDir)
    {
        Server = server;
        CertDir = certDir;
        Client = NewClient(server);
    }

    public static async Task<RunningServer> StartAnonymousAsync(Core.Metrics.IClusterMetrics metrics, Action<MetricsApiOptions>? configure = null, TimeProvider? time = null)
    {
        var dir = Directory.CreateTempSubdirectory("es-metricsapi-").FullName;
        var options = new MetricsApiOptions { ListenAddress = "127.0.0.1", Port = 0, AllowAnonymous = true, CertDirectory = dir };
        configure?.Invoke(options);
        var server = await MetricsApiServer.StartAsync(metrics, options, MetricsApiSecurity.Anonymous(), time: time);
        return new RunningServer(server, dir);
    }

    public static async Task<RunningServer> StartAsync(Core.Metrics.IClusterMetrics metrics, MetricsApiOptions options, MetricsApiSecurity security, Func<byte[]>? localSamples = null)
    {
        var server = await MetricsApiServer.StartAsync(metrics, options, security, localSamples: localSamples);
        return new RunningServer(server, options.CertDirectory);
    }

    public static HttpClient NewClient(MetricsApiServer server, Version? httpVersion = null, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCert = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == server.Certificate.GetCertHashString();
        if (clientCert is not null) handler.SslOptions.ClientCertificates = [clientCert];
        var c = new HttpClient(handler) { BaseAddress = server.Address };
        if (httpVersion is not null) { c.DefaultRequestVersion = httpVersion; c.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact; }
        return c;
    }

    public async Task<(HttpStatusCode Code, string ContentType, JsonDocument? Json, string Body)> GetAsync(string path, string? accept = null, HttpClient? client = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        using var res = await (client ?? Client).SendAsync(req);
        var body = await res.Content.ReadAsStringAsync();
        var ct = res.Content.Headers.ContentType?.ToString() ?? "";
        JsonDocument? json = null;
        if (ct.StartsWith("application/json", StringComparison.Ordinal)) json = JsonDocument.Parse(body);
        return (res.StatusCode, ct, json, body);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(CertDir, true); } catch (IOException) { }
    }
}
