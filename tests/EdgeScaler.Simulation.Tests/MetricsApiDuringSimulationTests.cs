namespace EdgeScaler.Simulation.Tests;

using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeScaler.Simulation.Scenarios;
using static EdgeScaler.Simulation.Tests.SimulationWait;

/// <summary>
/// The real metrics API serves the simulated cluster while the simulation runs, and a real kubectl reads it
/// exactly as the issue promises: kubectl --server https://127.0.0.1:PORT --insecure-skip-tls-verify get --raw ….
/// </summary>
public partial class MetricsApiDuringSimulationTests
{
    [Fact]
    public async Task Real_kubectl_reads_pod_and_node_metrics_from_a_running_simulation()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"sim-kubectl-{Guid.NewGuid():N}");
        var output = new LockedWriter();
        var error = new LockedWriter();
        // 6 simulated minutes at 20× ≈ 18 s of wall time: long enough to ask kubectl while it runs.
        var options = new SimulationOptions { Duration = TimeSpan.FromMinutes(6), Speed = 20, OutDir = outDir, NoCompare = true };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var host = new SimulationHost(options, RealParts.Create(), output, error, interactive: false);
        var run = host.RunAsync(cancel.Token);
        try
        {
            var address = await WaitFor(() => AddressPattern().Match(output.Text) is { Success: true } m ? m.Groups[1].Value : null, run);

            // Pods get metrics after two samples (30 simulated seconds); keep asking until they do.
            JsonElement pods = default;
            await WaitFor(() =>
            {
                var json = Kubectl(address, "/apis/metrics.k8s.io/v1beta1/pods");
                pods = JsonDocument.Parse(json).RootElement;
                return pods.GetProperty("items").GetArrayLength() > 0 ? json : null;
            }, run);
            Assert.False(run.IsCompleted, "kubectl must have answered while the simulation was still running");
            Assert.Equal("PodMetricsList", pods.GetProperty("kind").GetString());
            var item = pods.GetProperty("items")[0];
            Assert.StartsWith("web-", item.GetProperty("metadata").GetProperty("name").GetString());
            Assert.Equal("default", item.GetProperty("metadata").GetProperty("namespace").GetString());
            var cpu = item.GetProperty("containers")[0].GetProperty("usage").GetProperty("cpu").GetString();
            Assert.Matches("^[0-9]+(n|u|m)?$", cpu!);

            var nodes = JsonDocument.Parse(Kubectl(address, "/apis/metrics.k8s.io/v1beta1/nodes")).RootElement;
            var names = nodes.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("metadata").GetProperty("name").GetString()).Order().ToList();
            Assert.Equal(new[] { "pi4-1", "pi4-2", "pi4-3", "pi4-4" }, names);

            Assert.Equal(0, await run);
            Assert.True(File.Exists(Path.Combine(outDir, "timeline.csv")));
        }
        finally
        {
            cancel.Cancel();
            try { await run; } catch (OperationCanceledException) { }
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public async Task A_non_loopback_metrics_address_is_refused()
    {
        var options = new SimulationOptions { MetricsAddress = "0.0.0.0:4443", Duration = TimeSpan.FromMinutes(1), NoCompare = true, OutDir = Path.GetTempPath() };
        var error = new LockedWriter();
        var code = await new SimulationHost(options, RealParts.Create(), new LockedWriter(), error, false).RunAsync(CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("not a loopback address", error.Text);
    }

    private static string Kubectl(string server, string path)
    {
        // The command the live view prints. Any token is accepted (anonymous server); without one kubectl prompts for a username.
        var psi = new ProcessStartInfo("kubectl", ["--server", server, "--insecure-skip-tls-verify", "--token=sim", "get", "--raw", path])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.Environment["KUBECONFIG"] = "/dev/null";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000)) { p.Kill(true); throw new TimeoutException("kubectl did not answer in 30 s"); }
        Assert.True(p.ExitCode == 0, $"kubectl failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    [GeneratedRegex(@"metrics API: (https://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex AddressPattern();

    /// <summary>A writer the host writes to while the test reads it.</summary>
    private sealed class LockedWriter : StringWriter
    {
        private readonly object _gate = new();
        public string Text { get { lock (_gate) return ToString(); } }
        public override void Write(char value) { lock (_gate) base.Write(value); }
        public override void Write(string? value) { lock (_gate) base.Write(value); }
        public override void WriteLine(string? value) { lock (_gate) base.WriteLine(value); }
    }
}
