namespace EdgeScaler.Host.Tests;

using System.Runtime.InteropServices;
using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Commands;
using EdgeScaler.Host.Doctor;
using EdgeScaler.TestKit;

/// <summary>`edgescaler doctor` against copies of the board fixtures with problems planted in them.</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("es-doctor-");
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

    public DoctorCommandTests() => Copy(new DirectoryInfo(RepoPaths.Of("boards/rpi-4b/fixture")), _root);

    private static void Copy(DirectoryInfo from, DirectoryInfo to)
    {
        foreach (var d in from.EnumerateDirectories()) Copy(d, to.CreateSubdirectory(d.Name));
        foreach (var f in from.EnumerateFiles()) f.CopyTo(Path.Combine(to.FullName, f.Name));
    }

    /// <summary>Boots without the memory controller (the Raspberry Pi kernel default): gone from /proc/cgroups and cgroup.controllers.</summary>
    private void DisableMemoryCgroup()
    {
        var cgroups = Path.Combine(_root.FullName, "proc/cgroups");
        File.WriteAllText(cgroups, File.ReadAllText(cgroups).Replace("memory\t0\t39\t1", "memory\t0\t39\t0"));
        var controllers = Path.Combine(_root.FullName, "sys/fs/cgroup/cgroup.controllers");
        File.WriteAllText(controllers, File.ReadAllText(controllers).Replace("memory", "").Replace("  ", " "));
    }

    private string Config(string json)
    {
        var path = Path.Combine(_root.FullName, "edgescaler.json");
        File.WriteAllText(path, json);
        return path;
    }

    private IReadOnlyList<DoctorCheck> Run(string? config = null, Architecture binary = Architecture.Arm64, DateTimeOffset? now = null) =>
        DoctorCommand.Run(config ?? Config("{}"), _root.FullName, binary, Architecture.Arm64, now ?? Now);

    private static DoctorCheck Find(IReadOnlyList<DoctorCheck> checks, string name) => Assert.Single(checks, c => c.Name == name);

    [Fact]
    public void Doctor_on_a_healthy_fixture_passes_every_check()
    {
        var checks = Run();
        Assert.All(checks, c => Assert.True(c.Status == CheckStatus.Pass, c.ToLine()));
        Assert.Contains("rpi-4b", Find(checks, "board").Message);
    }

    [Fact]
    public void Doctor_reports_a_disabled_memory_cgroup_with_the_cmdline_fix()
    {
        DisableMemoryCgroup();
        var c = Find(Run(), "memory-cgroup");
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.Contains("cgroup_enable=memory", c.Fix);
    }

    [Fact]
    public void Doctor_reports_unreadable_thermal_zones()
    {
        Directory.Delete(Path.Combine(_root.FullName, "sys/class/thermal"), true);
        Directory.Delete(Path.Combine(_root.FullName, "sys/class/hwmon"), true);
        Assert.Equal(CheckStatus.Fail, Find(Run(), "thermal").Status);
    }

    [Fact]
    public void Doctor_warns_when_no_kubepods_cgroup_exists()
    {
        Directory.Delete(Path.Combine(_root.FullName, "sys/fs/cgroup/kubepods.slice"), true);
        Assert.Equal(CheckStatus.Warn, Find(Run(), "cgroup-driver").Status);
    }

    [Fact]
    public void Doctor_checks_gpio_only_when_a_panel_is_configured()
    {
        Assert.Equal(CheckStatus.Pass, Find(Run(), "gpio").Status);
        var panel = Config("""{ "panel": { "enabled": true } }""");
        var c = Find(Run(panel), "gpio");
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.Contains("gpiochip", c.Message);

        Directory.CreateDirectory(Path.Combine(_root.FullName, "dev"));
        File.WriteAllText(Path.Combine(_root.FullName, "dev/gpiochip0"), "");
        Assert.Equal(CheckStatus.Pass, Find(Run(panel), "gpio").Status);
    }

    [Fact]
    public void Doctor_reports_an_invalid_config_wrong_arch_and_a_clock_in_the_past()
    {
        var checks = Run(Config("""{ "panel": { "debounce": "0s" } }"""), Architecture.X64, new DateTimeOffset(1970, 1, 1, 0, 0, 10, TimeSpan.Zero));
        Assert.Equal(CheckStatus.Fail, Find(checks, "config").Status);
        Assert.Contains("$.panel.debounce", Find(checks, "config").Message);
        Assert.Equal(CheckStatus.Fail, Find(checks, "architecture").Status);
        Assert.Contains("linux-arm64", Find(checks, "architecture").Fix);
        Assert.Equal(CheckStatus.Fail, Find(checks, "clock").Status);
    }

    [Fact]
    public async Task Doctor_verb_exit_code_and_json_reflect_the_worst_result()
    {
        var config = Config("{}");
        var output = new StringWriter();
        var code = await CommandLine.RunAsync(["doctor", "--config", config, "--host-root", _root.FullName, "--json"], output, new StringWriter());
        Assert.StartsWith("[{\"name\":\"architecture\"", output.ToString());
        // The test machine is x64 or arm64 with a real clock; the fixture is a healthy Pi 4, so only the architecture may
        // differ among the node checks. The Kubernetes checks depend on this machine's kubeconfig (DoctorKubernetesStandInTests
        // covers them), so the exit code is checked against the worst status printed.
        var printed = System.Text.Json.Nodes.JsonNode.Parse(output.ToString())!.AsArray().Select(c => (Name: c!["name"]!.GetValue<string>(), Status: c["status"]!.GetValue<string>())).ToList();
        var nodeChecks = printed.Where(c => c.Name is not ("kubernetes" or "rbac" or "apiservice" or "hpa-controller")).ToList();
        Assert.All(nodeChecks, c => Assert.True(c.Status == "pass" || c.Name == "architecture", $"{c.Name}: {c.Status}"));
        Assert.Equal(printed.All(c => c.Status == "pass") ? ExitCodes.Ok : ExitCodes.Failure, code);

        DisableMemoryCgroup();
        var text = new StringWriter();
        Assert.Equal(ExitCodes.Failure, await CommandLine.RunAsync(["doctor", "--config", config, "--host-root", _root.FullName], text, new StringWriter()));
        Assert.Contains("FAIL  memory-cgroup:", text.ToString());
        Assert.Contains("fix: append `cgroup_memory=1 cgroup_enable=memory`", text.ToString());
        Assert.Equal(ExitCodes.Usage, await CommandLine.RunAsync(["doctor", "--bogus"], new StringWriter(), new StringWriter()));
    }

    public void Dispose() => _root.Delete(true);
}
