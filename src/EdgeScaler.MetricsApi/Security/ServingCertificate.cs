namespace EdgeScaler.MetricsApi.Security;

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

/// <summary>
/// The TLS serving certificate: from PEM files when configured, otherwise a self-signed ECDSA P-256 certificate
/// made on first start and persisted (write-temp-then-rename, fsync, key mode 0600) so restarts keep the same
/// certificate and a pinned <c>caBundle</c> stays valid.
/// </summary>
public static class ServingCertificate
{
    public const string CertFileName = "serving.crt";
    public const string KeyFileName = "serving.key";

    public static X509Certificate2 Load(MetricsApiOptions options, TimeProvider time)
    {
        if (!string.IsNullOrEmpty(options.TlsCertFile) || !string.IsNullOrEmpty(options.TlsKeyFile))
        {
            if (string.IsNullOrEmpty(options.TlsCertFile) || string.IsNullOrEmpty(options.TlsKeyFile))
                throw new InvalidOperationException("metricsApi: tlsCertFile and tlsKeyFile must be set together");
            return FromPemFiles(options.TlsCertFile, options.TlsKeyFile);
        }
        var certPath = Path.Combine(options.CertDirectory, CertFileName);
        var keyPath = Path.Combine(options.CertDirectory, KeyFileName);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = FromPemFiles(certPath, keyPath);
            if (existing.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(7)) return existing;
            existing.Dispose(); // about to expire: make a new one
        }
        var (cert, certPem, keyPem) = CreateSelfSigned(options.CertificateDnsNames, time.GetUtcNow());
        Directory.CreateDirectory(options.CertDirectory);
        WriteDurably(keyPath, keyPem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteDurably(certPath, certPem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return cert;
    }

    public static X509Certificate2 FromPemFiles(string certFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception e) when (e is CryptographicException or FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            throw new InvalidOperationException($"metricsApi: cannot load TLS certificate {certFile} / key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>A self-signed serving certificate for the given DNS names plus 127.0.0.1 and ::1, valid one year.</summary>
    public static (X509Certificate2 Cert, string CertPem, string KeyPem) CreateSelfSigned(IEnumerable<string> dnsNames, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = dnsNames.Where(n => !string.IsNullOrWhiteSpace(n)).ToList();
        var cn = names.FirstOrDefault() ?? "edgescaler";
        var req = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names) san.AddDnsName(n);
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = req.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        var certPem = cert.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        return (X509Certificate2.CreateFromPem(certPem, keyPem), certPem, keyPem);
    }

    private static void WriteDurably(string path, string content, UnixFileMode mode)
    {
        var tmp = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = mode;
        using (var fs = new FileStream(tmp, fileOptions))
        {
            fs.Write(Encoding.ASCII.GetBytes(content));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
