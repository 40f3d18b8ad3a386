namespace EdgeScaler.MetricsApi.Tests;

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>Real X.509 material for tests: a CA and client certificates it signs (clientAuth EKU).</summary>
public sealed class TestCa : IDisposable
{
    private readonly ECDsa _key;

    public X509Certificate2 Certificate { get; }

    public TestCa(string name)
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        Certificate = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public string Pem => Certificate.ExportCertificatePem();

    /// <summary>A client certificate signed by this CA, loaded with its key (usable as a TLS client certificate).</summary>
    public X509Certificate2 IssueClient(string subject, DateTimeOffset? notAfter = null) => Issue(subject, "1.3.6.1.5.5.7.3.2", null, notAfter);

    /// <summary>A serving certificate for 127.0.0.1 and localhost signed by this CA.</summary>
    public X509Certificate2 IssueServer(string subject)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        return Issue(subject, "1.3.6.1.5.5.7.3.1", san.Build(), null);
    }

    private X509Certificate2 Issue(string subject, string usageOid, X509Extension? san, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject.Contains('=') ? subject : $"CN={subject}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        if (san is not null) req.CertificateExtensions.Add(san);
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = req.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key),
            DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddDays(30), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Writes certificate and key as PEM files; returns their paths.</summary>
    public static (string Cert, string Key) WritePem(X509Certificate2 cert, string dir, string name)
    {
        var certPath = Path.Combine(dir, name + ".crt");
        var keyPath = Path.Combine(dir, name + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
