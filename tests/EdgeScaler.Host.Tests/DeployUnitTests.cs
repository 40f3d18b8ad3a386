namespace EdgeScaler.Host.Tests;

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EdgeScaler.TestKit;

/// <summary>
/// deploy/systemd/edgescaler.service checked offline by the real systemd-analyze (systemd.md §4.4): `verify` must print
/// nothing at all (it exits 0 even for unknown keys), and `security --offline=true` must not score worse than the
/// recorded baseline in deploy/systemd/exposure-baseline.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class DeployUnitTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("es-sdroot-");

    public DeployUnitTests()
    {
        // A fake root: the standard units (targets the unit refers to), a stub ExecStart binary, and our unit.
        var system = Path.Combine(_root.FullName, "lib/systemd/system");
        Directory.CreateDirectory(system);
        foreach (var f in Directory.EnumerateFileSystemEntries("/lib/systemd/system"))
        {
            var target = Path.Combine(system, Path.GetFileName(f));
            var info = new FileInfo(f);
            if (info.LinkTarget is { } link) File.CreateSymbolicLink(target, link);
            else if (File.Exists(f)) File.Copy(f, target);
        }
        Directory.CreateDirectory(Path.Combine(_root.FullName, "usr/local/bin"));
        var stub = Path.Combine(_root.FullName, "usr/local/bin/edgescaler");
        File.WriteAllText(stub, "#!/bin/sh\n");
        File.SetUnixFileMode(stub, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(_root.FullName, "etc/systemd/system"));
        File.Copy(RepoPaths.Of("deploy/systemd/edgescaler.service"), UnitPath);
    }

    private string UnitPath => Path.Combine(_root.FullName, "etc/systemd/system/edgescaler.service");

    private static (int Code, string Out, string Err) Analyze(params string[] args)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["SYSTEMD_COLORS"] = "0";
        Process p;
        try { p = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("systemd-analyze not found: install the `systemd` package (listed in .ci/apt.d/deploy.txt)");
        }
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, errTask.Result);
    }

    private (int Code, string Out, string Err) Verify() => Analyze("verify", $"--root={_root.FullName}", "--man=no", "edgescaler.service");

    [Fact]
    public void Deploy_unit_passes_systemd_analyze_verify_without_any_output()
    {
        var (code, stdout, stderr) = Verify();
        Assert.True(code == 0 && stderr.Length == 0 && stdout.Length == 0, $"systemd-analyze verify rc={code}\n{stdout}{stderr}");
    }

    [Fact]
    public void Deploy_the_verify_check_catches_a_misspelt_key_even_though_systemd_exits_zero()
    {
        File.AppendAllText(UnitPath, "\n[Service]\nWatchdogSecc=30s\n");
        var (_, _, stderr) = Verify();
        Assert.Contains("WatchdogSecc", stderr);
    }

    [Fact]
    public void Deploy_unit_exposure_score_is_no_worse_than_the_baseline()
    {
        var baseline = double.Parse(File.ReadAllText(RepoPaths.Of("deploy/systemd/exposure-baseline")).Trim(), CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = Analyze("security", "--offline=true", $"--root={_root.FullName}",
            $"--threshold={(int)Math.Round(baseline * 10)}", "edgescaler.service");
        var score = Score(stdout + stderr);
        Assert.True(score <= baseline, $"exposure {score} is worse than the baseline {baseline}; harden the unit or justify and raise deploy/systemd/exposure-baseline");
        Assert.Equal(0, code);
    }

    [Fact]
    public void Deploy_the_security_check_notices_a_weakened_unit()
    {
        var text = File.ReadAllText(UnitPath)
            .Replace("ProtectSystem=strict", "ProtectSystem=no").Replace("NoNewPrivileges=yes", "NoNewPrivileges=no")
            .Replace("CapabilityBoundingSet=\n", "").Replace("SystemCallFilter=~@privileged @resources\n", "");
        File.WriteAllText(UnitPath, text);
        var baseline = double.Parse(File.ReadAllText(RepoPaths.Of("deploy/systemd/exposure-baseline")).Trim(), CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = Analyze("security", "--offline=true", $"--root={_root.FullName}", $"--threshold={(int)Math.Round(baseline * 10)}", "edgescaler.service");
        Assert.True(Score(stdout + stderr) > baseline);
        Assert.NotEqual(0, code);
    }

    [Fact]
    public void Deploy_unit_keeps_the_promised_settings()
    {
        var unit = File.ReadAllText(RepoPaths.Of("deploy/systemd/edgescaler.service"));
        foreach (var line in new[] { "Type=notify", "WatchdogSec=", "Restart=on-failure", "User=edgescaler", "SupplementaryGroups=gpio",
                     "StateDirectory=edgescaler", "ConfigurationDirectory=edgescaler", "LoadCredential=kubeconfig:", "LoadCredential=mqtt-password:",
                     "LoadCredential=tls.key:", "DevicePolicy=closed", "DeviceAllow=char-gpiochip rw" })
            Assert.Contains("\n" + line, unit);
        // Every relaxation from the strict baseline is marked and explained in the file.
        Assert.Contains("RELAXED: no ProcSubset=pid", unit);
        Assert.Contains("RELAXED: no PrivateDevices=yes", unit);
    }

    private static double Score(string output)
    {
        var m = ScoreRegex().Match(output);
        Assert.True(m.Success, "no exposure score in:\n" + output);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Overall exposure level for edgescaler\.service: ([0-9.]+)")]
    private static partial Regex ScoreRegex();

    public void Dispose() => _root.Delete(recursive: true);
}
