namespace EdgeScaler.Telemetry.Tests;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Telemetry.Tests.Infrastructure;

/// <summary>
/// The embedded broker takes the empty client id that plain `mosquitto_sub`/`mosquitto_pub` (no `-i`) send, as
/// mosquitto does, and still refuses one that asks for a persistent session.
/// </summary>
public sealed class EmbeddedBrokerClientIdTests
{
    [Fact]
    public async Task Plain_mosquitto_sub_and_pub_without_a_client_id_work_against_the_embedded_broker()
    {
        using var dir = new TempDir();
        var sink = new InMemoryOverrideSink();
        var options = new TelemetryOptions { Cluster = "test", EmbeddedBroker = true, EmbeddedBrokerPort = 0, JournalPath = dir.Sub("journal") };
        await using var agent = Samples.Agent(options, sink: sink);
        await agent.StartAsync();
        var port = new Uri(agent.BrokerUri!).Port;
        agent.PublishNodeState(Samples.Thermal(), Samples.Usage(), 5);

        // Two plain subscribers at once (no -i; MQTT 3.1.1 clean session and MQTT 5): each needs its own assigned id, or
        // the second would take the first one's session over and cut it off.
        using var first = PlainSub.Start(port, "edgescaler/test/#");
        using var second = PlainSub.Start(port, "edgescaler/test/#", "-V", "mqttv5");
        // Retained availability and state arrive right after each SUBACK; after that, a new event reaches both.
        await WaitAsync(() => first.Lines.Count >= 2 && second.Lines.Count >= 2, "both subscribers to get the retained state");
        agent.PublishDecision(Samples.Decision("default", "web", 2, 4));
        foreach (var sub in new[] { first, second })
        {
            await WaitAsync(() => sub.Lines.Any(l => l.StartsWith("edgescaler/test/events {", StringComparison.Ordinal) && l.Contains("\"type\":\"scale\"")),
                "the scale event at both subscribers");
            Assert.Contains(sub.Lines, l => l.StartsWith("edgescaler/test/pi-1/state {", StringComparison.Ordinal));
            Assert.False(sub.HasExited, "a subscriber was cut off: " + sub.Stderr);
        }

        // A plain mosquitto_pub command (no -i) is applied.
        var pub = Run("mosquitto_pub", "-h", "127.0.0.1", "-p", port.ToString(), "-q", "1", "-t", "edgescaler/test/scaler/default/web/set", "-m", """{"replicas":3}""");
        Assert.True(pub.ExitCode == 0, $"mosquitto_pub exited {pub.ExitCode}: {pub.Output}");
        await WaitAsync(() => sink.Active.TryGetValue(new HpaRef("default", "web"), out var pin) && pin.Replicas == 3, "the command to pin 3 replicas");
    }

    [Fact]
    public async Task An_empty_client_id_with_a_clean_session_is_accepted_over_MQTT_3_1_1()
    {
        await using var broker = await EdgeScaler.Telemetry.Broker.EmbeddedBroker.StartAsync();
        // CleanSession=1: a server MAY accept a zero-byte id and then assigns one (MQTT 3.1.1, 3.1.3-6).
        var answer = await ConnectWithEmptyIdAsync(broker.Port, connectFlags: 0x02);
        Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, answer);
    }

    [Fact]
    public async Task An_empty_client_id_without_a_clean_session_is_refused()
    {
        await using var broker = await EdgeScaler.Telemetry.Broker.EmbeddedBroker.StartAsync();
        // CleanSession=0: there is no id to keep the session under. The spec's answer is CONNACK 0x02 (3.1.3-8);
        // MQTTnet's packet decoder treats it as a protocol violation and closes the connection before any hook runs.
        // Either way the client is not connected (mosquitto_sub -c and MQTTnet's client refuse to send this at all).
        var answer = await ConnectWithEmptyIdAsync(broker.Port, connectFlags: 0x00);
        Assert.True(answer.Length == 0 || answer is [0x20, 2, 0, 0x02], $"expected a refusal, got [{string.Join(' ', answer.Select(b => b.ToString("x2")))}]");
    }

    /// <summary>A raw MQTT 3.1.1 CONNECT with a zero-byte client id; returns the CONNACK, or nothing if the broker hung up.</summary>
    private static async Task<byte[]> ConnectWithEmptyIdAsync(int port, byte connectFlags)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        // Protocol name "MQTT", level 4, the flags under test, keep-alive 60 s, zero-byte client id.
        byte[] connect = [0x10, 12, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, connectFlags, 0, 60, 0, 0];
        await stream.WriteAsync(connect);
        var connack = new byte[4];
        var read = await stream.ReadAtLeastAsync(connack, 4, throwOnEndOfStream: false).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return connack[..read];
    }

    /// <summary>The real `mosquitto_sub` as simulate prints it (no -i: the broker assigns the id), "topic payload" lines.</summary>
    private sealed class PlainSub : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly Task<string> _stderr;

        private PlainSub(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
            _process.BeginOutputReadLine();
            _stderr = _process.StandardError.ReadToEndAsync();
        }

        public static PlainSub Start(int port, string topic, params string[] extra) =>
            new(Process.Start(new ProcessStartInfo("stdbuf", ["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", port.ToString(), "-t", topic, "-v", .. extra])
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!);

        public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }
        public bool HasExited => _process.HasExited;
        public string Stderr => _process.HasExited ? _stderr.Result : "";

        public void Dispose()
        {
            if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(); }
            _process.Dispose();
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result + error);
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 400; i++)
        {
            if (done()) return;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
    }
}
