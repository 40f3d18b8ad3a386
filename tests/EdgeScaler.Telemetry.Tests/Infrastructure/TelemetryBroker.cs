namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using EdgeScaler.TestKit;

/// <summary>
/// The real mosquitto the telemetry tests talk to, set up like a Home Assistant broker: an agent, an operator and a
/// viewer with an ACL that lets only the operator send commands, persistence, and a TLS listener that requires a
/// client certificate.
/// </summary>
public static class TelemetryBroker
{
    public static readonly MqttLogin Agent = new("agent", "agent-secret");
    public static readonly MqttLogin Operator = new("operator", "operator-secret");
    public static readonly MqttLogin Viewer = new("viewer", "viewer-secret");

    public static Task<MosquittoBroker> StartAsync() => MosquittoBroker.StartAsync(new MosquittoBrokerOptions
    {
        Users = [Agent, Operator, Viewer],
        Acl = $"""
            user {Agent.User}
            topic readwrite edgescaler/#
            topic readwrite homeassistant/#
            topic write replies/#

            user {Operator.User}
            topic read edgescaler/#
            topic write edgescaler/+/scaler/+/+/set
            topic read replies/#
            topic write homeassistant/status

            user {Viewer.User}
            topic read edgescaler/#
            topic read homeassistant/#
            topic read replies/#

            """,
        Persistence = true,
        TlsListener = true,
    });
}
