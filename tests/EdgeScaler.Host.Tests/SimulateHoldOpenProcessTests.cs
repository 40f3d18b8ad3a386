namespace EdgeScaler.Host.Tests;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

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
            var lines = Subscribe(port, "edgescaler/sim/#", count: 9);
            foreach (var node in new[] { "pi4-1", "pi4-2", "pi4-3", "pi4-4" })
            {
                Assert.Contains(lines, l => l.StartsWith($"edgescaler/sim/{node}/state {{", StringComparison.Ordinal) && l.Contains($"\"node\":\"{node}\""));
                Assert.Contains($"edgescaler/sim/{node}/availability online", lines);
            }
            Assert.Contains(lines, l => l.StartsWith("edgescaler/sim/scaler/default/web/state {", StringComparison.Ordinal) && l.Contains("\"ts\":\"2026-07-21T13:33:00+00:00\""));

            sim.SendSigterm();
            Assert.Equal(0, sim.WaitForExit(TimeSpan.FromSeconds(30)));
            using var probe = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    /// <summary>A real mosquitto_sub printing "topic payload" lines; exits after <paramref name="count"/> messages or 20 s.</summary>
    private static List<string> Subscribe(int port, string topic, int count)
    {
        var psi = new ProcessStartInfo("mosquitto_sub", ["-h", "127.0.0.1", "-p", port.ToString(), "-i", "hold-open-test", "-t", topic, "-v", "-C", count.ToString(), "-W", "20"])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"mosquitto_sub exited {p.ExitCode} after {lines.Count} messages: {stderr.Result}\n{string.Join('\n', lines)}");
        return lines;
    }

    [GeneratedRegex(@"MQTT: mqtt://127\.0\.0\.1:([0-9]+) \(embedded broker\)")]
    private static partial Regex EmbeddedBroker();
}
