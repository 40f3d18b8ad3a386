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
            var printed = EmbeddedBroker().Match(sim.Output);
            var port = int.Parse(printed.Groups[1].Value);

            // Four nodes' state and availability and the HPA's state, all retained: nine messages for a late subscriber,
            // read with the very mosquitto_sub command simulate printed (no client id: the broker assigns one).
            var lines = RunPrinted(printed.Groups["sub"].Value + " -C 9 -W 20");
            foreach (var node in new[] { "pi4-1", "pi4-2", "pi4-3", "pi4-4" })
            {
                Assert.Contains(lines, l => l.StartsWith($"edgescaler/sim/{node}/state {{", StringComparison.Ordinal) && l.Contains($"\"node\":\"{node}\""));
                Assert.Contains($"edgescaler/sim/{node}/availability online", lines);
            }
            Assert.Contains(lines, l => l.StartsWith("edgescaler/sim/scaler/default/web/state {", StringComparison.Ordinal) && l.Contains("\"ts\":\"2026-07-21T13:33:00+00:00\""));

            // The printed mosquitto_pub command, filled in, connects the same way (the command itself is refused:
            // nothing runs any more).
            var pub = Commands().Match(sim.Output).Groups[1].Value.Replace("<ns>/<hpa>", "default/web").Replace("\"replicas\":N", "\"replicas\":3");
            RunPrinted(pub);

            sim.SendSigterm();
            Assert.Equal(0, sim.WaitForExit(TimeSpan.FromSeconds(30)));
            using var probe = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    /// <summary>Runs a command line as printed for a user (sh -c) and returns its output lines; it must exit 0.</summary>
    private static List<string> RunPrinted(string commandLine)
    {
        var psi = new ProcessStartInfo("sh", ["-c", commandLine]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"`{commandLine}` exited {p.ExitCode} after {lines.Count} lines: {stderr.Result}\n{string.Join('\n', lines)}");
        return lines;
    }

    [GeneratedRegex(@"MQTT: mqtt://127\.0\.0\.1:([0-9]+) \(embedded broker\)  \((?<sub>mosquitto_sub [^\n]*-v)\)")]
    private static partial Regex EmbeddedBroker();

    [GeneratedRegex(@"MQTT commands: (mosquitto_pub [^\n]*'\{""replicas"":N\}')")]
    private static partial Regex Commands();
}
