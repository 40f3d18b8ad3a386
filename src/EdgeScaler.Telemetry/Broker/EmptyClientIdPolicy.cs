namespace EdgeScaler.Telemetry.Broker;

using System.Runtime.CompilerServices;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

/// <summary>
/// What the embedded broker does with a zero-byte client id, the way mosquitto does it: plain `mosquitto_sub` and
/// `mosquitto_pub` send one (MQTT 3.1.1, clean session) when no `-i` is given.
/// <list type="bullet">
/// <item>MQTT 3.1.1 with CleanSession=1: accepted under a fresh unique id (spec 3.1.3-6; a server MAY accept it).</item>
/// <item>MQTT 3.1.1 with CleanSession=0: refused with "identifier rejected" (spec 3.1.3-8): there is no id to keep a
/// session under.</item>
/// <item>MQTT 5: accepted; the id is returned to the client as the Assigned Client Identifier in CONNACK.</item>
/// <item>MQTT 3.1: refused (3.1 requires 1 to 23 characters).</item>
/// </list>
/// MQTTnet itself assigns ids only for MQTT 5, and only if the application names one.
/// </summary>
internal static class EmptyClientIdPolicy
{
    /// <summary>The prefix of assigned ids, like mosquitto's `auto-…`; 37 characters in all, unguessable.</summary>
    public const string AssignedPrefix = "auto-";

    public static Task ApplyAsync(ValidatingConnectionEventArgs args)
    {
        if (!string.IsNullOrEmpty(args.ClientId)) return Task.CompletedTask;
        switch (args.ProtocolVersion)
        {
            case MqttProtocolVersion.V500:
                // MQTTnet copies this into the CONNECT packet and the CONNACK for MQTT 5.
                args.AssignedClientIdentifier = NewId();
                break;
            case MqttProtocolVersion.V311 when args.CleanSession == true:
                // For 3.1.1 MQTTnet ignores AssignedClientIdentifier (there is no such CONNACK field), so the id goes
                // into the CONNECT packet itself, before MQTTnet checks it for emptiness right after this handler.
                ConnectPacket(args).ClientId = NewId();
                break;
            default:
                args.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                break;
        }
        return Task.CompletedTask;
    }

    private static string NewId() => AssignedPrefix + Guid.NewGuid().ToString("N");

    // The event args expose the id read-only; the packet behind them is the one MQTTnet validates and then uses as the
    // session key. UnsafeAccessor is AOT- and trim-safe; should MQTTnet rename the field, this throws
    // MissingFieldException, the connection is refused, and the embedded broker tests fail.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connectPacket")]
    private static extern ref MqttConnectPacket ConnectPacket(ValidatingConnectionEventArgs args);
}
