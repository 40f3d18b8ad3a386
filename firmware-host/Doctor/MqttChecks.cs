namespace EdgeScaler.Host.Doctor;

using EdgeScaler.Host.Agent;
using EdgeScaler.Telemetry;
using EdgeScaler.Telemetry.Delivery;
using MQTTnet;

/// <summary>
/// `mqtt`: connects once to the configured broker with the configured TLS and credentials (the telemetry library's own
/// connection settings, under a throwaway client id so a running agent keeps its session) and names the fix.
/// </summary>
public static class MqttChecks
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static DoctorCheck Broker(TelemetryOptions mqtt, TimeSpan? timeout = null)
    {
        if (!mqtt.Enabled) return DoctorCheck.Pass("mqtt", "MQTT is off (mqtt.enabled: false); skipped");
        if (string.IsNullOrWhiteSpace(mqtt.BrokerUri))
            return DoctorCheck.Pass("mqtt", mqtt.EmbeddedBroker
                ? $"no broker configured; `run` hosts the embedded broker on 127.0.0.1:{mqtt.EmbeddedBrokerPort}; skipped"
                : "no broker configured (mqtt.brokerUri); telemetry off; skipped");
        // Doctor is a one-shot CLI without a synchronization context: blocking here cannot deadlock.
        var result = BrokerProbe.ProbeAsync(mqtt, NodeIdentity.Name(), timeout ?? DefaultTimeout).GetAwaiter().GetResult();
        return FromProbe(mqtt, result);
    }

    internal static DoctorCheck FromProbe(TelemetryOptions mqtt, BrokerProbeResult r)
    {
        var broker = mqtt.BrokerUri;
        var who = string.IsNullOrEmpty(mqtt.Username) ? "anonymously" : $"as {mqtt.Username}";
        return r.Outcome switch
        {
            BrokerProbeOutcome.Connected => DoctorCheck.Pass("mqtt",
                $"connected to {broker} {who}{(r.Tls ? " over TLS" : "")} in {r.Elapsed.TotalMilliseconds:0} ms{(r.Detail.Length > 0 ? $" ({r.Detail}: events are at-least-once)" : "")}"),
            BrokerProbeOutcome.BadSettings => DoctorCheck.Fail("mqtt", $"cannot set up the connection to {broker}: {r.Detail}",
                "fix mqtt.brokerUri (mqtt://host:1883 or mqtts://host:8883) and make mqtt.passwordFile, caFile, clientCertFile and clientKeyFile readable by the service"),
            BrokerProbeOutcome.UnknownHost => DoctorCheck.Fail("mqtt", $"{broker}: host name does not resolve ({r.Detail})",
                "fix the host in mqtt.brokerUri, or add it to DNS or /etc/hosts"),
            BrokerProbeOutcome.Unreachable => DoctorCheck.Fail("mqtt", $"{broker}: cannot open a TCP connection ({r.Detail})",
                "check the host and port in mqtt.brokerUri and that the broker runs there (`systemctl status mosquitto`; mosquitto 2 listens on localhost only unless its config has a `listener` line)"),
            BrokerProbeOutcome.TimedOut => DoctorCheck.Fail("mqtt", $"{broker}: {r.Detail}",
                "a firewall may drop the packets, or the address is wrong; also check that mqtts:// goes to a TLS port and mqtt:// to a plain one"),
            BrokerProbeOutcome.TlsFailed => DoctorCheck.Fail("mqtt", $"{broker}: TLS handshake failed ({r.Detail})",
                r.Tls
                    ? "check that the port is the broker's TLS listener, mqtt.caFile holds the CA that signed the broker's certificate, the host in mqtt.brokerUri matches that certificate's name, and (if the broker requires one) clientCertFile/clientKeyFile are set"
                    : "the broker expects TLS on this port: use mqtts:// and set mqtt.caFile"),
            BrokerProbeOutcome.ClosedByBroker => DoctorCheck.Fail("mqtt", $"{broker}: the broker closed the connection without answering ({r.Detail})",
                r.Tls ? "check the broker's log; it may refuse the client certificate or this client id" : "if this port is a TLS listener use mqtts:// and set mqtt.caFile; otherwise check the broker's log"),
            BrokerProbeOutcome.Refused => DoctorCheck.Fail("mqtt", $"{broker} refused the connection {who}: {r.Detail}", RefusalFix(r.Code)),
            _ => DoctorCheck.Fail("mqtt", $"{broker}: {r.Detail}", "check the broker's log"),
        };
    }

    private static string RefusalFix(MqttClientConnectResultCode? code) => code switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword =>
            "check mqtt.username and the first line of mqtt.passwordFile against the broker (`mosquitto_passwd` for mosquitto)",
        MqttClientConnectResultCode.NotAuthorized =>
            "check mqtt.username and the first line of mqtt.passwordFile (mosquitto answers a wrong password with NotAuthorized), or allow the user in the broker's config",
        MqttClientConnectResultCode.ClientIdentifierNotValid =>
            "the broker rejects the client id: set mqtt.clientId to something it accepts",
        MqttClientConnectResultCode.Banned =>
            "the broker bans this client: check its configuration",
        MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy =>
            "the broker is up but not accepting clients now: check its log",
        MqttClientConnectResultCode.UnsupportedProtocolVersion =>
            "the broker does not speak MQTT 5: upgrade it (mosquitto 1.6 or later)",
        _ => "check the broker's log for why it refused",
    };
}
