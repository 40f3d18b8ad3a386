namespace EdgeScaler.Host.Tests;

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using EdgeScaler.TestKit;

/// <summary>
/// The real `edgescaler simulate --hold-open` in a child process: after the run its embedded broker still serves the
/// retained telemetry to a real mosquitto_sub, until SIGTERM stops it cleanly.
/// </summary>
public partial class SimulateHoldOpenProcessTests
{
    [Fact]
    public async Task Hold_open_keeps_the_embedded_broker_serving_retained_telemetry_to_mosquitto_sub_until_SIGTERM()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"simulate-hold-{Guid.NewGuid():N}");
        using var sim = new EdgescalerProcess(["simulate", "--duration", "3m", "--no-compare", "--hold-open", "--out", dir]);
        try
        {
            for (var i = 0; i < 1200 && !sim.Output.Contains("press Ctrl+C to stop"); i++) await Task.Delay(50);
            Assert.True(sim.Output.Contains("Holding the metrics API and MQTT telemetry open"), sim.Output);
            var port = int.Parse(EmbeddedBroker().Match(sim.Output).Groups[1].Value);

            // Four nodes' state and availability and the HPA's state, all retained: nine messages for a late subscriber.
            await using (var sub = await MosquittoSub.StartAsync(port, "edgescaler/sim/#"))
            {
                var retained = await sub.WaitUntilAsync(ms => ms.Count >= 9, "nine retained messages");
                foreach (var node in new[] { "pi4-1", "pi4-2", "pi4-3", "pi4-4" })
                {
                    Assert.Contains(retained, m => m.Topic == $"edgescaler/sim/{node}/state" && m.Payload.StartsWith('{') && m.Payload.Contains($"\"node\":\"{node}\""));
                    Assert.Contains(retained, m => m.Topic == $"edgescaler/sim/{node}/availability" && m.Payload == "online");
                }
                Assert.Contains(retained, m => m.Topic == "edgescaler/sim/scaler/default/web/state" && m.Payload.StartsWith('{') && m.Payload.Contains("\"ts\":\"2026-07-21T13:33:00+00:00\""));
            }

            sim.SendSigterm();
            Assert.Equal(0, sim.WaitForExit(TimeSpan.FromSeconds(30)));
            using var probe = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [GeneratedRegex(@"MQTT: mqtt://127\.0\.0\.1:([0-9]+) \(embedded broker\)")]
    private static partial Regex EmbeddedBroker();
}
