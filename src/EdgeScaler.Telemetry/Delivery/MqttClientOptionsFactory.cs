namespace EdgeScaler.Telemetry.Delivery;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>
/// Turns <see cref="TelemetryOptions"/> into MQTTnet connect options: MQTT 5, a per-node client id, a persistent session
/// (clean start off, session expiry) so QoS 1 commands wait for us, the availability Will, credentials and TLS.
/// </summary>
internal static class MqttClientOptionsFactory
{
    public static MqttClientOptions Build(TelemetryOptions options, string brokerUri, string node, TopicSchema topics) =>
        Common(options, brokerUri, options.GetClientId(node))
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)Math.Clamp(options.SessionExpiry.TotalSeconds, 0, uint.MaxValue))
            .WithWillTopic(topics.Availability)
            .WithWillPayload(Availability.Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

    /// <summary>
    /// Same broker, credentials and TLS, but a throwaway session under its own client id and no Will: a check must not
    /// take over (and so disconnect) a running agent's session or announce it offline.
    /// </summary>
    public static MqttClientOptions BuildProbe(TelemetryOptions options, string brokerUri, string node) =>
        Common(options, brokerUri, options.GetClientId(node) + "-doctor")
            .WithCleanStart(true)
            .WithSessionExpiryInterval(0)
            .Build();

    /// <summary>Whether <paramref name="brokerUri"/> with these options connects over TLS.</summary>
    public static bool UsesTls(TelemetryOptions options, string brokerUri) =>
        (Uri.TryCreate(brokerUri, UriKind.Absolute, out var uri) && uri.Scheme == "mqtts") || !string.IsNullOrEmpty(options.CaFile);

    private static MqttClientOptionsBuilder Common(TelemetryOptions options, string brokerUri, string clientId)
    {
        if (!Uri.TryCreate(brokerUri, UriKind.Absolute, out var uri))
            throw new InvalidOperationException($"mqtt.brokerUri '{brokerUri}' is not a URI such as mqtt://host:1883");
        var tls = UsesTls(options, brokerUri);
        var port = uri.Port > 0 ? uri.Port : tls ? 8883 : 1883;
        var host = uri.Host.Trim('[', ']');

        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(options.KeepAlive < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10));

        if (!string.IsNullOrEmpty(options.Username))
            builder.WithCredentials(options.Username, string.IsNullOrEmpty(options.PasswordFile) ? "" : ReadPassword(options.PasswordFile));

        if (tls)
        {
            var tlsBuilder = new MqttClientTlsOptionsBuilder().UseTls(true).WithTargetHost(host);
            if (!string.IsNullOrEmpty(options.CaFile))
            {
                var trusted = new X509Certificate2Collection();
                trusted.ImportFromPemFile(options.CaFile);
                if (trusted.Count == 0) throw new InvalidOperationException($"mqtt.caFile '{options.CaFile}' holds no PEM certificate");
                tlsBuilder.WithCertificateValidationHandler(args => IsTrusted(args.Certificate, args.SslPolicyErrors, trusted));
            }
            if (!string.IsNullOrEmpty(options.ClientCertFile) && !string.IsNullOrEmpty(options.ClientKeyFile))
                tlsBuilder.WithClientCertificates([X509Certificate2.CreateFromPemFile(options.ClientCertFile, options.ClientKeyFile)]);
            builder.WithTlsOptions(tlsBuilder.Build());
        }
        return builder;
    }

    /// <summary>First line of the password file; a trailing newline is what editors leave, not part of the secret.</summary>
    public static string ReadPassword(string path)
    {
        var text = File.ReadAllText(path);
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline >= 0 ? text[..newline] : text;
    }

    /// <summary>Chain must end in one of our CA certificates and the name must match; the system store is not consulted.</summary>
    internal static bool IsTrusted(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (presented is null) return false;
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

/// <summary>Payloads of `&lt;prefix&gt;/&lt;node&gt;/availability`.</summary>
public static class Availability
{
    public const string Online = "online";
    public const string Offline = "offline";
}
