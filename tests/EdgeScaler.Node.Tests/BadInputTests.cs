namespace EdgeScaler.Node.Tests;

using EdgeScaler.Node.IO;

/// <summary>
/// The bad-input list on real files: truncated, empty, non-numeric and huge values; a cgroup that
/// vanishes mid-read; permission denied; a missing controller; a zone that hangs. Each gives a problem
/// naming the path and a partial sample — never an exception, never a made-up number.
/// </summary>
public class BadInputTests
{
    private static string AppContainerDir(TempTree t) =>
        t.Dirs("/sys/fs/cgroup/kubepods.slice", "cri-containerd-*.scope").Single(d => t.Read(d + "/cpu.stat").StartsWith("usage_usec 183205731"));

    public static TheoryData<string, string, string> CorruptContainerFiles => new()
    {
        // file, content, expected words in the problem
        { "cpu.stat", "", "empty" },
        { "cpu.stat", "user_usec 121877202\nsyst", "truncated" },
        { "cpu.stat", "usage_usec lots\n", "not a number" },
        { "cpu.stat", "usage_usec 99999999999999999999999\n", "out of range" },
        { "cpu.stat", "usage_usec 9223372036854776\n", "out of range" },        // fits µs, overflows ns
        { "memory.current", "", "empty" },
        { "memory.current", "5700000O\n", "not a number" },
        { "memory.current", "184467440737095516150\n", "out of range" },
        { "memory.stat", "anon 1\nfile 2\n", "inactive_file: truncated" },
        { "memory.stat", "", "inactive_file: empty" },
    };

    [Theory, MemberData(nameof(CorruptContainerFiles))]
    public void A_corrupt_container_file_is_a_problem_and_a_null_not_a_number(string file, string content, string expected)
    {
        using var t = new TempTree("rpi-4b");
        var dir = AppContainerDir(t);
        t.Write(dir + "/" + file, content);
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var s = sampler.Sample(Fixtures.T0);

        Assert.True(s.IsPartial);
        var problem = Assert.Single(s.Problems);
        Assert.Equal(dir + "/" + file, problem.Path);
        Assert.Contains(expected, problem.Message);
        Assert.Contains(dir + "/" + file, problem.Message);
        var id = dir[(dir.LastIndexOf("cri-containerd-") + 15)..^6];
        var c = s.Counters.Pods.SelectMany(p => p.Containers).Single(c => c.ContainerId == id);
        if (file == "cpu.stat") { Assert.Null(c.CpuUsageNanoseconds); Assert.NotNull(c.MemoryWorkingSetBytes); }
        else { Assert.Null(c.MemoryWorkingSetBytes); Assert.NotNull(c.CpuUsageNanoseconds); }
        // Everything else in the sample is still there.
        Assert.Equal(3, s.Counters.Pods.Count);
        Assert.NotNull(s.Thermal.HottestCelsius);
    }

    [Theory]
    [InlineData("/sys/class/thermal/thermal_zone0/temp", "", "empty")]
    [InlineData("/sys/class/thermal/thermal_zone0/temp", "48.3\n", "not a number")]
    [InlineData("/sys/class/thermal/thermal_zone0/temp", "-273200\n", "out of range")]
    [InlineData("/sys/class/thermal/thermal_zone0/temp", "99999999999999999999999\n", "out of range")]
    [InlineData("/sys/devices/platform/soc/soc:firmware/get_throttled", "zz\n", "not a number")]
    [InlineData("/sys/devices/platform/soc/soc:firmware/get_throttled", "", "empty")]
    [InlineData("/sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq", "0\n", "out of range")]
    [InlineData("/sys/fs/cgroup/cpu.stat", "usage_usec x\n", "not a number")]
    [InlineData("/sys/fs/cgroup/memory.stat", "anon 1\n", "truncated")]
    [InlineData("/proc/cgroups", "garbage\n", null)]   // only consulted on v1: no effect on a v2 host
    public void Corrupt_sysfs_and_root_files_are_problems(string path, string content, string? expected)
    {
        using var t = new TempTree("rpi-4b");
        t.Write(path, content);
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var s = sampler.Sample(Fixtures.T0);
        if (expected is null) { Assert.Empty(s.Problems); return; }
        Assert.Contains(s.Problems, p => p.Path == path && p.Message.Contains(expected));
        if (path.Contains("thermal_zone0"))
        {
            Assert.Null(s.Thermal.HottestCelsius);
            Assert.Null(s.Thermal.Zones[0].Celsius);
        }
        if (path.Contains("get_throttled"))
        {
            // Falls back to the rpi_volt hwmon alarm rather than inventing flags.
            Assert.Equal("rpi_volt", s.Thermal.FlagsSource);
        }
    }

    [Fact]
    public void Root_cgroup_cpu_falls_back_to_proc_stat_and_says_so()
    {
        using var t = new TempTree("rpi-4b");
        File.Delete(t.Path_("/sys/fs/cgroup/cpu.stat"));
        File.Delete(t.Path_("/sys/fs/cgroup/memory.stat"));
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var s = sampler.Sample(Fixtures.T0);
        Assert.Equal("/proc/stat", s.NodeCpuSource);
        Assert.Equal("/proc/meminfo", s.NodeMemorySource);
        Assert.Equal((3884584L - 2931208L) * 1024, s.Counters.MemoryWorkingSetBytes);
        Assert.Empty(s.Problems); // older kernels have no root cpu.stat: that is normal
    }

    [Fact]
    public void No_node_totals_anywhere_is_null_with_problems()
    {
        using var t = new TempTree("rpi-4b");
        File.Delete(t.Path_("/sys/fs/cgroup/cpu.stat"));
        File.Delete(t.Path_("/sys/fs/cgroup/memory.stat"));
        t.Write("/proc/stat", "cpu  1 2\n");
        File.Delete(t.Path_("/proc/meminfo"));
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var s = sampler.Sample(Fixtures.T0);
        Assert.Null(s.Counters.CpuUsageNanoseconds);
        Assert.Null(s.Counters.MemoryWorkingSetBytes);
        Assert.Contains(s.Problems, p => p.Path == "/proc/stat" && p.Message.Contains("truncated"));
        Assert.Contains(s.Problems, p => p.Path == "/proc/meminfo" && p.Message.Contains("not found"));
    }

    [Fact]
    public void A_missing_memory_controller_file_in_one_cgroup_is_reported()
    {
        using var t = new TempTree("rpi-4b");
        var dir = AppContainerDir(t);
        File.Delete(t.Path_(dir + "/memory.current"));
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var s = sampler.Sample(Fixtures.T0);
        var p = Assert.Single(s.Problems);
        Assert.Equal(ProblemKind.Missing, p.Kind);
        Assert.Contains("memory controller", p.Message);
    }

    [Fact]
    public void Cgroup_v1_with_memory_disabled_in_proc_cgroups_warns_with_the_fix()
    {
        using var t = new TempTree("rpi-3bplus");
        Directory.Delete(t.Path_("/sys/fs/cgroup/memory"), recursive: true);
        t.Write("/proc/cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t2\t39\t1\ncpuacct\t2\t39\t1\nmemory\t0\t39\t0\n");
        using var sampler = Fixtures.Sampler(t.Root, "rpi-3bplus");
        var s = sampler.Sample(Fixtures.T0);
        Assert.False(s.Cgroups.MemoryControllerEnabled);
        var p = Assert.Single(s.Problems);
        Assert.Equal(ProblemKind.Configuration, p.Kind);
        Assert.Contains(NodeSampler.MemoryCgroupFix, p.Message);
        Assert.All(s.Counters.Pods.SelectMany(x => x.Containers), c => Assert.Null(c.MemoryWorkingSetBytes));
        Assert.All(s.Counters.Pods.SelectMany(x => x.Containers), c => Assert.NotNull(c.CpuUsageNanoseconds));
        Assert.Equal("/proc/meminfo", s.NodeMemorySource);
    }

    [Fact]
    public void No_cgroups_at_all_is_a_problem_not_a_crash()
    {
        using var t = new TempTree("rpi-4b");
        Directory.Delete(t.Path_("/sys/fs/cgroup"), recursive: true);
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var s = sampler.Sample(Fixtures.T0);
        Assert.Equal(0, s.Cgroups.Version);
        Assert.Empty(s.Counters.Pods);
        Assert.Equal("/proc/stat", s.NodeCpuSource);
        Assert.Contains(s.Problems, p => p.Message.Contains("no cgroup hierarchy"));
    }

    /// <summary>Deletes a pod's cgroup the moment the sampler first touches one of its files: a pod deleted mid-read.</summary>
    private sealed class VanishingFileSystem(HostFileSystem real, string vanishDir, string trigger) : IHostFileSystem
    {
        public string Root => real.Root;
        public FileRead Read(string path, Span<byte> buffer)
        {
            if (path.StartsWith(vanishDir) && path.EndsWith(trigger) && Directory.Exists(real.Resolve(vanishDir)))
                Directory.Delete(real.Resolve(vanishDir), recursive: true);
            return real.Read(path, buffer);
        }
        public FileReadStatus List(string directory, List<string> names) => real.List(directory, names);
        public bool Exists(string path) => real.Exists(path);
    }

    [Theory]
    [InlineData("/cpu.stat")]
    [InlineData("/memory.current")]
    [InlineData("/memory.stat")]
    public void A_pod_deleted_mid_read_is_left_out_and_marked_vanished(string trigger)
    {
        using var t = new TempTree("rpi-4b");
        var pod = t.Dirs("/sys/fs/cgroup/kubepods.slice", "kubepods-burstable-pod*.slice").Single();
        var fs = new VanishingFileSystem(new HostFileSystem(t.Root), pod, trigger);
        using var sampler = new NodeSampler(fs, Fixtures.Profile("rpi-4b"));
        var s = sampler.Sample(Fixtures.T0);

        Assert.Equal(2, s.Counters.Pods.Count);
        Assert.DoesNotContain(s.Counters.Pods, p => p.Qos == Core.Metrics.QosClass.Burstable);
        Assert.All(s.Problems, p => Assert.Equal(ProblemKind.Vanished, p.Kind));
        Assert.Contains(s.Problems, p => p.Message.Contains("vanished"));
        Assert.False(s.IsPartial); // a deleted pod is not missing data
    }

    [Fact]
    public void A_container_deleted_mid_read_drops_only_that_container()
    {
        using var t = new TempTree("rpi-4b");
        var dir = AppContainerDir(t);
        var fs = new VanishingFileSystem(new HostFileSystem(t.Root), dir, "/memory.current");
        using var sampler = new NodeSampler(fs, Fixtures.Profile("rpi-4b"));
        var s = sampler.Sample(Fixtures.T0);
        var guaranteed = s.Counters.Pods.Single(p => p.Qos == Core.Metrics.QosClass.Guaranteed);
        Assert.Single(guaranteed.Containers); // only the pause leaf remains
        Assert.Equal(ProblemKind.Vanished, Assert.Single(s.Problems).Kind);
    }

    /// <summary>Stands in for files root cannot be denied in a test (we run as root): answers EACCES for chosen paths.</summary>
    private sealed class DenyingFileSystem(HostFileSystem real, Func<string, bool> deny) : IHostFileSystem
    {
        public string Root => real.Root;
        public FileRead Read(string path, Span<byte> buffer) => deny(path) ? new FileRead(FileReadStatus.PermissionDenied, 0) : real.Read(path, buffer);
        public FileReadStatus List(string directory, List<string> names) => deny(directory) ? FileReadStatus.PermissionDenied : real.List(directory, names);
        public bool Exists(string path) => real.Exists(path);
    }

    [Fact]
    public void Permission_denied_on_files_and_directories_is_reported_per_path()
    {
        using var sampler = new NodeSampler(new DenyingFileSystem(new HostFileSystem(Fixtures.Board("rpi-4b")),
            p => p.EndsWith("/thermal_zone0/temp") || p.EndsWith("kubepods-besteffort.slice") || p.EndsWith("get_throttled")), Fixtures.Profile("rpi-4b"));
        var s = sampler.Sample(Fixtures.T0);
        Assert.Contains(s.Problems, p => p.Kind == ProblemKind.Unreadable && p.Path.EndsWith("thermal_zone0/temp") && p.Message.Contains("permission denied"));
        Assert.Contains(s.Problems, p => p.Kind == ProblemKind.Unreadable && p.Path.EndsWith("kubepods-besteffort.slice") && p.Message.Contains("left out"));
        Assert.Contains(s.Problems, p => p.Path.EndsWith("get_throttled") && p.Message.Contains("permission denied"));
        Assert.Equal(2, s.Counters.Pods.Count);
        Assert.Null(s.Thermal.HottestCelsius);
        Assert.Equal("rpi_volt", s.Thermal.FlagsSource);
    }

    [Fact]
    public void A_hung_zone_times_out_is_reported_absent_and_does_not_block_later_samples()
    {
        using var t = new TempTree("rk3588");
        // A FIFO with no writer: open() blocks, exactly like a sensor driver that never answers.
        var fifo = t.Path_("/sys/class/thermal/thermal_zone1/temp");
        File.Delete(fifo);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        using var sampler = Fixtures.Sampler(t.Root, "rk3588", zoneTimeout: TimeSpan.FromMilliseconds(200));
        try
        {
            var s = sampler.Sample(Fixtures.T0);
            var p = Assert.Single(s.Problems);
            Assert.Equal(ProblemKind.TimedOut, p.Kind);
            Assert.Contains("bigcore0-thermal", p.Message);
            Assert.Null(s.Thermal.Zones.Single(z => z.Type == "bigcore0-thermal").Celsius);
            // The other zones still count: bigcore1 is now the hottest that counts.
            Assert.Equal(53.615, s.Thermal.HottestCelsius!.Value, 3);
            Assert.Equal(6, s.Thermal.Zones.Count(z => z.Celsius is not null));

            // Next sample: the zone is still stuck; it is reported at once, not waited on again.
            var s2 = sampler.Sample(Fixtures.T0.AddSeconds(10));
            var again = Assert.Single(s2.Problems);
            Assert.True(again.Message.Contains("still blocked"), again.Message);
            Assert.Equal(6, s2.Thermal.Zones.Count(z => z.Celsius is not null));
        }
        finally
        {
            // Release the blocked reader: open the FIFO for writing and close it (the read sees EOF).
            using (var w = new FileStream(fifo, FileMode.Open, FileAccess.Write)) { w.Write("55000\n"u8); }
        }
    }
}
