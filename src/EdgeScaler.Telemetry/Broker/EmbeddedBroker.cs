namespace EdgeScaler.Telemetry.Broker;

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Server;

/// <summary>
/// MQTTnet's in-process broker, bound to loopback only, so `simulate` (and `run --embedded-broker`) works with nothing
/// installed. Not a production broker: no authentication, no persistence across restarts. Like mosquitto, it takes the
/// empty client id plain `mosquitto_sub`/`mosquitto_pub` send (see <see cref="EmptyClientIdPolicy"/>).
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    /// <summary>`mqtt://127.0.0.1:&lt;port&gt;`, ready for <see cref="TelemetryOptions.BrokerUri"/>.</summary>
    public string Uri => $"mqtt://127.0.0.1:{Port}";

    /// <param name="port">0 picks a free port.</param>
    public static async Task<EmbeddedBroker> StartAsync(int port = 0, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        if (port == 0) port = FreeLoopbackPort();
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.IPv6Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions(true)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        server.ValidatingConnectionAsync += EmptyClientIdPolicy.ApplyAsync;
        try
        {
            await server.StartAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            server.Dispose();
            throw new InvalidOperationException($"embedded MQTT broker could not listen on 127.0.0.1:{port}: {e.Message}", e);
        }
        (logger ?? NullLogger.Instance).LogInformation("Embedded MQTT broker listening on 127.0.0.1:{Port} (loopback only)", port);
        return new EmbeddedBroker(server, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(new MqttServerStopOptions());
        _server.Dispose();
    }

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
