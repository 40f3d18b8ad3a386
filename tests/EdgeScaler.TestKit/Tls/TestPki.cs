namespace EdgeScaler.TestKit;

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>A throwaway CA with a server certificate (localhost, 127.0.0.1) and a client certificate, written as PEM files.</summary>
public sealed class TestPki
{
    public required string CaFile { get; init; }
    public required string ServerCertFile { get; init; }
    public required string ServerKeyFile { get; init; }
    public required string ClientCertFile { get; init; }
    public required string ClientKeyFile { get; init; }

    public static TestPki Create(string directory, string name = "ca")
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=EdgeScaler Test CA {name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        var pki = new TestPki
        {
            CaFile = Path.Combine(directory, $"{name}.crt"),
            ServerCertFile = Path.Combine(directory, $"{name}-server.crt"),
            ServerKeyFile = Path.Combine(directory, $"{name}-server.key"),
            ClientCertFile = Path.Combine(directory, $"{name}-client.crt"),
            ClientKeyFile = Path.Combine(directory, $"{name}-client.key"),
        };
        File.WriteAllText(pki.CaFile, ca.ExportCertificatePem() + "\n");
        Issue(ca, "CN=localhost", server: true, pki.ServerCertFile, pki.ServerKeyFile, now);
        Issue(ca, "CN=edgescaler-agent", server: false, pki.ClientCertFile, pki.ClientKeyFile, now);
        return pki;
    }

    private static void Issue(X509Certificate2 ca, string subject, bool server, string certFile, string keyFile, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var cert = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), serial);
        File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
