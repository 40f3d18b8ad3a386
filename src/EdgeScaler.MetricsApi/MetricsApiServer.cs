namespace EdgeScaler.MetricsApi;

using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeScaler.Core.Metrics;
using EdgeScaler.MetricsApi.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// The metrics.k8s.io aggregated API server: Kestrel (slim builder), HTTPS only, HTTP/1.1 and HTTP/2, client
/// certificates requested but not required. Start one with <see cref="StartAsync"/>; stop it by disposing.
/// </summary>
public sealed class MetricsApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MetricsApiSecurity _security;

    public X509Certificate2 Certificate { get; }
    public SelfMetrics Stats { get; }

    /// <summary>The bound address, e.g. <c>https://127.0.0.1:43817</c> (the real port when 0 was asked).</summary>
    public Uri Address { get; }

    public int Port => Address.Port;

    private MetricsApiServer(WebApplication app, MetricsApiSecurity security, X509Certificate2 cert, SelfMetrics stats, Uri address)
    {
        _app = app;
        _security = security;
        Certificate = cert;
        Stats = stats;
        Address = address;
    }

    /// <param name="metrics">What to serve (the cluster view, or the simulation's).</param>
    /// <param name="security">Authentication and authorization; <see cref="MetricsApiSecurity.Anonymous"/> needs a loopback listener.</param>
    /// <param name="localSamples">This agent's own samples for peers (JSON), or null when there are no peers to serve.</param>
    public static async Task<MetricsApiServer> StartAsync(
        IClusterMetrics metrics,
        MetricsApiOptions options,
        MetricsApiSecurity security,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? time = null,
        SelfMetrics? stats = null,
        Func<byte[]>? localSamples = null,
        CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        stats ??= new SelfMetrics();
        if (options.AllowAnonymous != security.IsAnonymous)
            throw new InvalidOperationException(options.AllowAnonymous
                ? "metricsApi: allowAnonymous is set but the server was given real authentication"
                : "metricsApi: anonymous access requires allowAnonymous=true in the metricsApi config section");
        if (security.IsAnonymous) Security.AnonymousAccess.EnsureLoopback(options.ListenAddress);

        var cert = Security.ServingCertificate.Load(options, time);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalBytes;
            k.Limits.MaxRequestLineSize = options.MaxRequestLineBytes;
            k.Limits.MaxRequestHeaderCount = 100;
            k.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            k.Limits.MaxConcurrentUpgradedConnections = 0;
            k.Limits.MaxRequestBodySize = 64 * 1024; // GET-only API: bodies are never read
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeoutSeconds);
            k.Limits.Http2.MaxStreamsPerConnection = 250;
            k.Listen(ParseAddress(options.ListenAddress), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = cert,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    // Requested, not required: probes and token clients come without one. HTTP/2 cannot renegotiate,
                    // so ask during the handshake. The OS chain policy must not judge it: the front-proxy CA is
                    // private; the authenticator validates against the CAs from the cluster's ConfigMap.
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                    CheckCertificateRevocation = false,
                    // A client that never finishes the handshake holds a connection slot like one trickling headers.
                    HandshakeTimeout = TimeSpan.FromSeconds(Math.Max(1, options.RequestHeadersTimeoutSeconds)),
                });
            });
        });
        var app = builder.Build();
        var handler = new MetricsApiHandler(metrics, security.Authenticator, security.Authorizer, stats, time,
            loggerFactory.CreateLogger("EdgeScaler.MetricsApi"), localSamples);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost")).Port;
        var host = options.ListenAddress switch
        {
            "0.0.0.0" or "::" or "localhost" => "127.0.0.1",
            var a when a.Contains(':') => $"[{a}]",
            var a => a,
        };
        loggerFactory.CreateLogger("EdgeScaler.MetricsApi").LogInformation("metrics API listening on https://{Address}:{Port}", options.ListenAddress, port);
        return new MetricsApiServer(app, security, cert, stats, new Uri($"https://{host}:{port}"));
    }

    private static IPAddress ParseAddress(string address) => address switch
    {
        "localhost" => IPAddress.Loopback,
        _ when IPAddress.TryParse(address, out var ip) => ip,
        _ => throw new InvalidOperationException($"metricsApi: listenAddress \"{address}\" is not an IP address or localhost"),
    };

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _security.DisposeAsync();
    }
}
