namespace EdgeScaler.MetricsApi.Security;

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// Decides what a TLS client certificate proves: that the caller is the front proxy (chains to the request-header
/// CA with an allowed CN), an x509 user (chains to client-ca-file), a peer agent (chains to the peer CA), or
/// nothing. Chains are built against exactly those roots (never the OS store), with the clientAuth EKU.
/// Verdicts are cached per certificate and config, since every request on a connection brings the same one.
/// </summary>
internal sealed class ClientCertificateVerifier(TimeProvider time, X509Certificate2Collection peerCAs, IReadOnlyList<string> peerAllowedNames)
{
    public const string PeerGroup = "edgescaler:peers";

    public enum Kind { Unknown, FrontProxy, FrontProxyNameNotAllowed, ClientCa, Peer }

    public readonly record struct Verdict(Kind Kind, UserInfo? User, string? Detail);

    private readonly ConcurrentDictionary<(string Thumbprint, string Config), Verdict> _cache = new();

    public Verdict Verify(X509Certificate2 cert, RequestHeaderConfig config)
    {
        var key = (cert.GetCertHashString(HashAlgorithmName.SHA256), config.Fingerprint);
        if (_cache.TryGetValue(key, out var v)) return v;
        v = Compute(cert, config);
        if (_cache.Count > 1024) _cache.Clear();
        _cache[key] = v;
        return v;
    }

    private Verdict Compute(X509Certificate2 cert, RequestHeaderConfig config)
    {
        var cn = cert.GetNameInfo(X509NameType.SimpleName, false);
        if (Chains(cert, config.RequestHeaderCAs))
        {
            if (config.AllowedNames.Count == 0 || config.AllowedNames.Contains(cn, StringComparer.Ordinal)) return new(Kind.FrontProxy, null, cn);
            return new(Kind.FrontProxyNameNotAllowed, null, $"client certificate CN \"{cn}\" is not in requestheader-allowed-names [{string.Join(",", config.AllowedNames)}]");
        }
        if (Chains(cert, config.ClientCAs))
            return new(Kind.ClientCa, UserInfo.Authenticated(cn, null, Organizations(cert)), null);
        if (Chains(cert, peerCAs))
        {
            if (peerAllowedNames.Count == 0 || peerAllowedNames.Contains(cn, StringComparer.Ordinal))
                return new(Kind.Peer, UserInfo.Authenticated("edgescaler-peer:" + cn, null, [PeerGroup]), null);
            return new(Kind.Unknown, null, $"peer certificate CN \"{cn}\" is not in peerAllowedNames");
        }
        return new(Kind.Unknown, null, "x509: certificate signed by unknown authority");
    }

    private bool Chains(X509Certificate2 cert, X509Certificate2Collection roots)
    {
        if (roots.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2")); // clientAuth
        return chain.Build(cert);
    }

    private static IEnumerable<string> Organizations(X509Certificate2 cert)
    {
        foreach (var rdn in cert.SubjectName.EnumerateRelativeDistinguishedNames())
            if (rdn.GetSingleElementType().Value == "2.5.4.10" && rdn.GetSingleElementValue() is { } o) yield return o;
    }
}
