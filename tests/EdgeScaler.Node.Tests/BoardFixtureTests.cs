namespace EdgeScaler.Node.Tests;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;

/// <summary>Every bundled board: detection from its device tree, its cgroup layout, zones, flags, and pods read from real files.</summary>
public class BoardFixtureTests
{
    public static TheoryData<string, int, string, int, double, string?> Boards => new()
    {
        // id, cgroup version, driver, pods, hottest °C that counts, flag source
        { "rpi-4b", 2, "systemd", 3, 48.312, "get_throttled" },
        { "rpi-3bplus", 1, "cgroupfs", 2, 61.224, "get_throttled" },
        { "rpi-5", 2, "systemd", 1, 67.45, "rpi_volt" },
        { "rpi-zero2w", 2, "cgroupfs", 1, 83.712, "get_throttled" },
        { "rpi-cm4", 2, "systemd", 2, 55.017, "get_throttled" },
        { "rk3588", 2, "systemd", 3, 54.538, null },
        { "jetson-nano", 1, "systemd", 2, 41.0, null },
        { "jetson-orin-nano", 2, "systemd", 2, 49.468, null },
        { "generic-arm64", 2, "cgroupfs", 2, 44.375, null },
    };

    [Theory, MemberData(nameof(Boards))]
    public void Each_board_is_detected_and_sampled(string id, int version, string driver, int pods, double hottest, string? flagSource)
    {
        var files = new HostFileSystem(Fixtures.Board(id));
        var detection = BoardCatalog.BuiltIn.Detect(files);
        Assert.Equal(id, detection.Profile.Id);

        var s = new NodeSampler(files, detection.Profile).Sample(Fixtures.T0);
        Assert.Equal(version, s.Cgroups.Version);
        Assert.Equal(driver, s.Cgroups.Driver);
        Assert.Equal(pods, s.Counters.Pods.Count);
        Assert.Equal(hottest, s.Thermal.HottestCelsius!.Value, 3);
        Assert.Equal(flagSource, s.Thermal.FlagsSource);
        Assert.NotNull(s.Counters.CpuUsageNanoseconds);
        Assert.NotNull(s.Counters.MemoryWorkingSetBytes);
        Assert.Equal("cgroup", s.NodeCpuSource);
        foreach (var pod in s.Counters.Pods)
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", pod.Uid);
            Assert.NotEmpty(pod.Containers);
            Assert.All(pod.Containers, c => Assert.Matches("^[0-9a-f]{64}$", c.ContainerId));
            Assert.All(pod.Containers, c => Assert.NotNull(c.CpuUsageNanoseconds));
            // The pod cgroup's counter includes all its containers (the fixture makes it exactly their sum).
            Assert.Equal(pod.CpuUsageNanoseconds, pod.Containers.Sum(c => c.CpuUsageNanoseconds));
        }
        // Only the deliberately broken bits of a fixture are problems.
        var expectedKinds = id switch
        {
            "rpi-5" => new[] { ProblemKind.Configuration },
            _ => [],
        };
        Assert.Equal(expectedKinds, s.Problems.Select(p => p.Kind).Distinct().ToArray());
    }

    [Fact]
    public void All_three_qos_classes_under_both_drivers()
    {
        foreach (var id in new[] { "rpi-4b", "rk3588" })
            Assert.Equal(new[] { QosClass.Guaranteed, QosClass.Burstable, QosClass.BestEffort }.Order(), Fixtures.SampleBoard(id).Counters.Pods.Select(p => p.Qos).Order());
        Assert.Equal(new[] { QosClass.Guaranteed, QosClass.Burstable }, Fixtures.SampleBoard("rpi-3bplus").Counters.Pods.Select(p => p.Qos).Order());
    }

    [Fact]
    public void Cgroup_v1_reads_cpuacct_ns_and_total_inactive_file()
    {
        var s = Fixtures.SampleBoard("rpi-3bplus");
        var app = s.Counters.Pods.SelectMany(p => p.Containers).Single(c => c.CpuUsageNanoseconds == 183205731L * 1000);
        Assert.Equal(57000000 - 26017792, app.MemoryWorkingSetBytes);
        Assert.Null(app.Pressure); // no PSI on v1
    }

    [Fact]
    public void Cgroup_v2_reads_psi_totals()
    {
        var s = Fixtures.SampleBoard("rpi-4b");
        var app = s.Counters.Pods.SelectMany(p => p.Containers).Single(c => c.CpuUsageNanoseconds == 183205731L * 1000);
        Assert.NotNull(app.Pressure);
        Assert.Equal(183205731 / 50 + 1, app.Pressure!.CpuSomeMicroseconds);
        Assert.Equal((183205731 / 50 + 1) / 3, app.Pressure.CpuFullMicroseconds);
        Assert.NotNull(app.Pressure.IoSomeMicroseconds);
    }

    [Fact]
    public void Hot_throttled_zero2w_is_hot_with_decoded_flags()
    {
        var s = Fixtures.SampleBoard("rpi-zero2w");
        var f = s.Thermal.Flags!.Value;
        Assert.Equal(0x50005u, f.ToBits());
        Assert.True(f.UnderVoltageNow && f.ThrottledNow);
        var k = new NodeThermalClassifier(Fixtures.Profile("rpi-zero2w").Limits);
        Assert.Equal(ThermalState.Hot, k.Update(s.Thermal.HottestCelsius, s.Thermal.Flags, s.Timestamp));
    }

    [Fact]
    public void Pi_3b_plus_soft_limit_makes_it_warm()
    {
        var s = Fixtures.SampleBoard("rpi-3bplus");
        Assert.True(s.Thermal.Flags!.Value.SoftTempLimitNow);
        var k = new NodeThermalClassifier(Fixtures.Profile("rpi-3bplus").Limits);
        Assert.Equal(ThermalState.Warm, k.Update(s.Thermal.HottestCelsius, s.Thermal.Flags, s.Timestamp));
        Assert.Equal(1200000, s.Thermal.CpuFreq.Single().CurrentKHz);
    }

    [Fact]
    public void Jetson_nano_reads_all_zones_but_only_cpu_and_gpu_count()
    {
        var s = Fixtures.SampleBoard("jetson-nano");
        Assert.Equal(["AO-therm", "CPU-therm", "GPU-therm", "PLL-therm", "PMIC-Die", "thermal-fan-est"], s.Thermal.Zones.Select(z => z.Type));
        Assert.Equal(100.0, s.Thermal.Zones.Single(z => z.Type == "PMIC-Die").Celsius); // the Nano's PMIC-Die always reads 100
        Assert.False(s.Thermal.Zones.Single(z => z.Type == "PMIC-Die").Counts);
        Assert.Equal(41.0, s.Thermal.HottestCelsius);
    }

    [Fact]
    public void Orin_nano_offline_cv_zones_are_skipped_not_read()
    {
        var s = Fixtures.SampleBoard("jetson-orin-nano");
        var cv = s.Thermal.Zones.Where(z => z.Type.StartsWith("cv")).ToList();
        Assert.Equal(3, cv.Count);
        Assert.All(cv, z => { Assert.True(z.Skipped); Assert.Null(z.Celsius); });
        Assert.Empty(s.Problems);
    }

    [Fact]
    public void Orin_nano_cv_zone_read_anyway_fails_and_is_reported_absent()
    {
        // With a profile that does not skip them, the failing reads become "absent" problems, not a crash.
        var profile = Fixtures.Profile("jetson-orin-nano");
        var lenient = new BoardProfile { Id = "test", Thermal = new BoardThermal { Zones = profile.Thermal.Zones } };
        var s = new NodeSampler(new HostFileSystem(Fixtures.Board("jetson-orin-nano")), lenient).Sample(Fixtures.T0);
        Assert.Equal(3, s.Problems.Count(p => p.Kind == ProblemKind.Unreadable && p.Message.Contains("reported absent")));
        Assert.Equal(49.468, s.Thermal.HottestCelsius!.Value, 3);
    }

    [Fact]
    public void Rk3588_reports_three_cpufreq_policies_and_a_kernel_cap()
    {
        var s = Fixtures.SampleBoard("rk3588");
        Assert.Equal(["policy0", "policy4", "policy6"], s.Thermal.CpuFreq.Select(p => p.Name));
        Assert.Equal([false, true, false], s.Thermal.CpuFreq.Select(p => p.KernelCapped));
        Assert.Equal(7, s.Thermal.Zones.Count(z => z.Type.EndsWith("-thermal")));
        Assert.DoesNotContain(s.Thermal.Zones, z => z.Type.StartsWith("hwmon:")); // hwmon mirrors of zones are not listed twice
    }

    [Fact]
    public void Generic_board_counts_every_zone_and_is_the_fallback()
    {
        var files = new HostFileSystem(Fixtures.Board("generic-arm64"));
        var d = BoardCatalog.BuiltIn.Detect(files);
        Assert.Contains("fallback", d.Reason);
        Assert.Equal("Pine64 RockPro64 v2.1", d.Model);
        var s = new NodeSampler(files, d.Profile).Sample(Fixtures.T0);
        Assert.All(s.Thermal.Zones, z => Assert.True(z.Counts));
    }
}
