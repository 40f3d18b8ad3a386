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
    public X509Certificate2 IssueClient(string subject, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject.Contains('=') ? subject : $"CN={subject}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
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
