namespace EdgeScaler.MetricsApi;

using EdgeScaler.MetricsApi.Security;

/// <summary>Who may call the server: an authenticator and an authorizer, plus whatever must be stopped with the server.</summary>
public sealed class MetricsApiSecurity(IRequestAuthenticator authenticator, IRequestAuthorizer authorizer, IAsyncDisposable? owned = null) : IAsyncDisposable
{
    public IRequestAuthenticator Authenticator { get; } = authenticator;
    public IRequestAuthorizer Authorizer { get; } = authorizer;

    /// <summary>Everyone is <c>system:anonymous</c> and allowed; the server refuses it unless the listener is loopback.</summary>
    public static MetricsApiSecurity Anonymous() => new(AnonymousAccess.Instance, AnonymousAccess.Instance);

    /// <summary>
    /// Real aggregated-API-server security: front-proxy certificate + headers (settings from the cluster's
    /// extension-apiserver-authentication ConfigMap, refreshed), x509 and peer certificates, bearer tokens via
    /// TokenReview, authorization via SubjectAccessReview.
    /// </summary>
    public static async Task<MetricsApiSecurity> DelegatingAsync(IKubeAuthApi api, MetricsApiOptions options,
        Microsoft.Extensions.Logging.ILogger log, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var peerCAs = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        if (!string.IsNullOrEmpty(options.PeerClientCaFile))
        {
            try { peerCAs.ImportFromPemFile(options.PeerClientCaFile); }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidOperationException($"metricsApi: cannot read peerClientCaFile {options.PeerClientCaFile}: {e.Message}", e);
            }
        }
        var source = new RequestHeaderConfigSource(api, TimeSpan.FromSeconds(Math.Max(1, options.AuthConfigRefreshSeconds)), log);
        await source.StartAsync(cancellationToken);
        var cacheFor = TimeSpan.FromSeconds(Math.Max(0, options.AuthCacheSeconds));
        var verifier = new ClientCertificateVerifier(time, peerCAs, options.PeerAllowedNames);
        return new MetricsApiSecurity(
            new DelegatingAuthenticator(source, verifier, api, time, cacheFor),
            new SubjectAccessReviewAuthorizer(api, time, cacheFor),
            source);
    }

    internal bool IsAnonymous => ReferenceEquals(Authenticator, AnonymousAccess.Instance);

    public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
