namespace EdgeScaler.Host.Doctor;

using System.Runtime.InteropServices;
using EdgeScaler.Node;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;
using EdgeScaler.Panel;
using EdgeScaler.Panel.Hardware;

/// <summary>
/// Checks of this node, reusing the agent's own code: the node sampler (board, thermal zones, cgroups) and the
/// panel's chip probe. Everything is read under a host root, so board fixtures with planted problems test it.
/// </summary>
public static class NodeChecks
{
    public static DoctorCheck Architecture(Architecture binary, Architecture machine) =>
        binary == machine
            ? DoctorCheck.Pass("architecture", $"binary and machine are both {Name(binary)}")
            : DoctorCheck.Fail("architecture", $"binary is {Name(binary)} but the machine is {Name(machine)} (running under emulation or a {Name(binary)} userland)",
                $"install the linux-{Name(machine)} build (deploy/install.sh picks it from `uname -m`)");

    private static string Name(Architecture a) => a.ToString().ToLowerInvariant();

    /// <summary>Board, thermal zones, memory cgroup and cgroup driver, from one real sample.</summary>
    public static IEnumerable<DoctorCheck> Sampled(string hostRoot, string? boardId, DateTimeOffset now)
    {
        NodeSampler? sampler = null;
        BoardDetection? board = null;
        string? setupError = null;
        try { (sampler, board) = NodeSetup.Create(hostRoot, boardId); }
        catch (ArgumentException e) { setupError = e.Message; }
        if (sampler is null || board is null)
        {
            yield return DoctorCheck.Fail("board", setupError ?? "no sampler", "fix node.hostRoot / node.board in the config");
            yield break;
        }
        yield return board.Profile.Fallback && boardId is null
            ? DoctorCheck.Warn("board", $"no board profile matches this machine ({board.Model ?? "no device-tree model"}); using {board.Profile.Id}",
                "set node.board to the closest profile (see boards/) or add a profile for this board")
            : DoctorCheck.Pass("board", $"{board.Profile.Name} ({board.Profile.Id}): {board.Reason}");

        var sample = sampler.Sample(now);
        var zones = sample.Thermal.Zones;
        var readable = zones.Count(z => z.Celsius is not null);
        if (readable == 0)
            yield return DoctorCheck.Fail("thermal", zones.Count == 0 ? "no thermal zones or hwmon sensors found" : $"none of {zones.Count} thermal sensors could be read",
                "enable the SoC thermal driver (device tree) and check /sys/class/thermal/thermal_zone*/temp is readable; without it no thermal policy applies");
        else if (sample.Thermal.HottestCelsius is null)
            yield return DoctorCheck.Warn("thermal", $"{readable} sensor(s) readable, but none of the zones the {sample.BoardId} profile counts",
                "check the board profile's thermal.zones against `cat /sys/class/thermal/thermal_zone*/type`");
        else
            yield return DoctorCheck.Pass("thermal", $"{readable} sensor(s) readable, SoC at {sample.Thermal.HottestCelsius:0.0} °C");

        var cg = sample.Cgroups;
        yield return cg.Version == 0
            ? DoctorCheck.Fail("memory-cgroup", "no cgroup hierarchy under /sys/fs/cgroup", "mount cgroup2 at /sys/fs/cgroup (systemd does this by default)")
            : cg.MemoryControllerEnabled
                ? DoctorCheck.Pass("memory-cgroup", $"memory controller enabled (cgroup v{cg.Version})")
                : DoctorCheck.Fail("memory-cgroup", "the memory controller is disabled: pod memory cannot be measured and k3s will not start pods",
                    $"append `{NodeSampler.MemoryCgroupFix}` to /boot/firmware/cmdline.txt and reboot");
        yield return cg.Driver is null
            ? DoctorCheck.Warn("cgroup-driver", "no kubepods cgroup found (is k3s running on this node?)", "start k3s/k3s-agent, then run doctor again")
            : DoctorCheck.Pass("cgroup-driver", $"{cg.Driver} driver, cgroup v{cg.Version}");
    }

    /// <summary>GPIO chips, only when a panel is configured (otherwise GPIO is never touched).</summary>
    public static DoctorCheck Gpio(PanelOptions panel, string hostRoot)
    {
        if (!panel.Enabled) return DoctorCheck.Pass("gpio", "no panel configured; GPIO not used");
        var dev = Path.Combine(hostRoot, "dev");
        var chips = LinuxPanelGpio.ChipDevices(dev);
        if (chips.Count == 0)
        {
            var f = PanelFaultClassifier.NoGpioChip(dev);
            return DoctorCheck.Fail("gpio", f.Message, f.Fix);
        }
        var denied = chips.Where(c => !LinuxPanelGpio.CanOpen(c)).ToList();
        if (denied.Count == chips.Count)
        {
            var f = PanelFaultClassifier.PermissionDenied(denied[0]);
            return DoctorCheck.Fail("gpio", f.Message, f.Fix);
        }
        return DoctorCheck.Pass("gpio", $"{chips.Count - denied.Count} of {chips.Count} gpiochip device(s) accessible ({string.Join(", ", chips.Select(Path.GetFileName))})");
    }

    /// <summary>A clock before 2025 means no RTC and no NTP yet (a Pi without a battery boots in the past): TLS and leases break.</summary>
    public static DoctorCheck Clock(DateTimeOffset now) =>
        now.Year < 2025
            ? DoctorCheck.Fail("clock", $"system time is {now:u}, which is in the past", "enable NTP: `sudo timedatectl set-ntp true` (systemd-timesyncd) and wait for sync")
            : DoctorCheck.Pass("clock", $"system time {now:u}");
}
