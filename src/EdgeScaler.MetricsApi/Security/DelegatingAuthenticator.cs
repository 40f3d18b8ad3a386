namespace EdgeScaler.MetricsApi.Security;

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

/// <summary>
/// genericapiserver's delegating authentication, in its order: front-proxy request headers (trusted only with a
/// verified proxy certificate), x509 client certificates, bearer tokens through TokenReview (answers cached
/// briefly). A credential that is presented but fails is a 401, never a fallback to anonymous. X-Remote-* headers
/// from anyone but the verified proxy are ignored.
/// </summary>
internal sealed class DelegatingAuthenticator(
    RequestHeaderConfigSource config,
    ClientCertificateVerifier certificates,
    IKubeAuthApi api,
    TimeProvider time,
    TimeSpan cacheFor) : IRequestAuthenticator
{
    private readonly ConcurrentDictionary<string, (UserInfo? User, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);

    public async ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var cert = context.Connection.ClientCertificate;
        if (cert is not null)
        {
            var current = config.Current;
            var verdict = certificates.Verify(cert, current);
            switch (verdict.Kind)
            {
                case ClientCertificateVerifier.Kind.FrontProxy:
                    var user = FromHeaders(context.Request.Headers, current);
                    if (user is not null) return AuthenticationResult.Success(user);
                    break; // a proxy certificate without a user header proves nothing: try the other authenticators
                case ClientCertificateVerifier.Kind.ClientCa:
                case ClientCertificateVerifier.Kind.Peer:
                    return AuthenticationResult.Success(verdict.User!);
                case ClientCertificateVerifier.Kind.FrontProxyNameNotAllowed:
                case ClientCertificateVerifier.Kind.Unknown:
                    return AuthenticationResult.Failed(verdict.Detail ?? "client certificate not trusted");
            }
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[7..].Trim();
            if (token.Length == 0) return AuthenticationResult.Failed("empty bearer token");
            return await ReviewTokenAsync(token, cancellationToken);
        }
        return AuthenticationResult.None;
    }

    private async ValueTask<AuthenticationResult> ReviewTokenAsync(string token, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(key, out var cached) && cached.Until > now)
            return cached.User is null ? AuthenticationResult.Failed("token rejected by TokenReview (cached)") : AuthenticationResult.Success(cached.User);
        UserInfo? user;
        try
        {
            user = await api.ReviewTokenAsync(token, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return AuthenticationResult.Failed("TokenReview failed: " + e.Message); // not cached: the API may be back next time
        }
        if (_tokens.Count > 4096) _tokens.Clear();
        _tokens[key] = (user, now + cacheFor);
        return user is null ? AuthenticationResult.Failed("token rejected by TokenReview") : AuthenticationResult.Success(user);
    }

    private static UserInfo? FromHeaders(IHeaderDictionary headers, RequestHeaderConfig config)
    {
        string? name = null;
        foreach (var h in config.UsernameHeaders)
            if (headers.TryGetValue(h, out var v) && v.ToString() is { Length: > 0 } s) { name = s; break; }
        if (name is null) return null;

        string? uid = null;
        foreach (var h in config.UidHeaders)
            if (headers.TryGetValue(h, out var v) && v.ToString() is { Length: > 0 } s) { uid = s; break; }

        var groups = new List<string>();
        foreach (var h in config.GroupHeaders)
            if (headers.TryGetValue(h, out var v)) foreach (var g in v) if (!string.IsNullOrEmpty(g)) groups.Add(g);

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            foreach (var prefix in config.ExtraHeaderPrefixes)
            {
                if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || header.Length == prefix.Length) continue;
                // Upstream: the key is lower-cased then %-unescaped (keys may carry bytes that are not legal in header names).
                var key = Uri.UnescapeDataString(header[prefix.Length..].ToLowerInvariant());
                var list = extra.TryGetValue(key, out var existing) ? existing.ToList() : [];
                list.AddRange(values.Where(x => x is not null)!);
                extra[key] = list;
            }
        }
        return UserInfo.Authenticated(name, uid, groups, extra);
    }
}
