namespace EdgeScaler.Node.Tests;

using System.Text;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Node.Parsing;

/// <summary>Pure parsers: good input from the kernel docs, and every kind of bad input the issue names.</summary>
public class ParsingTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private const string CpuStat = "usage_usec 183205731\nuser_usec 121877202\nsystem_usec 61328529\nnr_periods 14211\nnr_throttled 312\nthrottled_usec 9842211\nnr_bursts 0\nburst_usec 0\n";

    [Theory]
    [InlineData(CpuStat, "usage_usec", ParseStatus.Ok, 183205731L)]
    [InlineData(CpuStat, "throttled_usec", ParseStatus.Ok, 9842211L)]
    [InlineData("usage_usec 1\ncore_sched.force_idle_usec 5\n", "core_sched.force_idle_usec", ParseStatus.Ok, 5L)]   // new keys parse by name
    [InlineData("user_usec 1\nusage_usec 7", "usage_usec", ParseStatus.Ok, 7L)]                                      // no trailing newline
    [InlineData("", "usage_usec", ParseStatus.Empty, 0L)]
    [InlineData("\n\n", "usage_usec", ParseStatus.Empty, 0L)]
    [InlineData("user_usec 121877202\nsyst", "usage_usec", ParseStatus.Missing, 0L)]                                  // truncated before the key
    [InlineData("usage_usec\n", "usage_usec", ParseStatus.Missing, 0L)]
    [InlineData("usage_usec abc\n", "usage_usec", ParseStatus.NotANumber, 0L)]
    [InlineData("usage_usec 12x4\n", "usage_usec", ParseStatus.NotANumber, 0L)]
    [InlineData("usage_usec 99999999999999999999999\n", "usage_usec", ParseStatus.OutOfRange, 0L)]
    [InlineData("usage_usec -5\n", "usage_usec", ParseStatus.OutOfRange, 0L)]
    [InlineData("usage_usec_total 5\n", "usage_usec", ParseStatus.Missing, 0L)]                                         // prefix is not the key
    public void Flat_keyed(string text, string key, ParseStatus status, long value)
    {
        Assert.Equal(status, CgroupText.ParseFlatKeyed(B(text), B(key), out var v));
        if (status == ParseStatus.Ok) Assert.Equal(value, v);
    }

    [Theory]
    [InlineData("57000000\n", ParseStatus.Ok, 57000000L)]
    [InlineData("  42 \n", ParseStatus.Ok, 42L)]
    [InlineData("9223372036854775807\n", ParseStatus.Ok, long.MaxValue)]
    [InlineData("9223372036854775808\n", ParseStatus.OutOfRange, 0L)]
    [InlineData("18446744073709551615\n", ParseStatus.OutOfRange, 0L)]
    [InlineData("", ParseStatus.Empty, 0L)]
    [InlineData("max\n", ParseStatus.NotANumber, 0L)]
    [InlineData("0x10\n", ParseStatus.NotANumber, 0L)]
    [InlineData("1 2\n", ParseStatus.NotANumber, 0L)]
    [InlineData("\0\0\0", ParseStatus.Empty, 0L)]
    public void Single_value(string text, ParseStatus status, long value)
    {
        Assert.Equal(status, CgroupText.ParseSingle(B(text), out var v));
        if (status == ParseStatus.Ok) Assert.Equal(value, v);
    }

    [Fact]
    public void Pressure_some_and_full_totals()
    {
        var text = "some avg10=0.00 avg60=0.12 avg300=0.05 total=1234567\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=456789\n";
        Assert.Equal(ParseStatus.Ok, CgroupText.ParsePressure(B(text), out var some, out var full));
        Assert.Equal(1234567, some);
        Assert.Equal(456789, full);

        Assert.Equal(ParseStatus.Ok, CgroupText.ParsePressure(B("some avg10=0.00 avg60=0.00 avg300=0.00 total=9\n"), out some, out full));
        Assert.Equal(9, some);
        Assert.Null(full); // CPU before 5.13 has no full line
        Assert.Equal(ParseStatus.Empty, CgroupText.ParsePressure(B(""), out _, out _));
        Assert.Equal(ParseStatus.Missing, CgroupText.ParsePressure(B("some avg10=0.00 avg60=0.12"), out _, out _));
        Assert.Equal(ParseStatus.NotANumber, CgroupText.ParsePressure(B("some total=abc\n"), out _, out _));
        Assert.Equal(ParseStatus.OutOfRange, CgroupText.ParsePressure(B("some total=99999999999999999999999\n"), out _, out _));
    }

    [Fact]
    public void Proc_stat_busy_time_excludes_idle_and_iowait_and_guest()
    {
        var text = "cpu  100 20 30 4000 50 6 7 8 9 10\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1 2 3\n";
        Assert.Equal(ParseStatus.Ok, ProcText.ParseBusyCpuNanoseconds(B(text), out var ns));
        Assert.Equal((100 + 20 + 30 + 6 + 7 + 8) * ProcText.NanosecondsPerTick, ns);
        Assert.Equal(ParseStatus.Ok, ProcText.ParseBusyCpuNanoseconds(B("cpu  1 2 3 4\n"), out ns)); // old kernel
        Assert.Equal(6 * ProcText.NanosecondsPerTick, ns);
        Assert.Equal(ParseStatus.Missing, ProcText.ParseBusyCpuNanoseconds(B("cpu  1 2"), out _));
        Assert.Equal(ParseStatus.Missing, ProcText.ParseBusyCpuNanoseconds(B("intr 1\n"), out _));
        Assert.Equal(ParseStatus.Empty, ProcText.ParseBusyCpuNanoseconds(B(""), out _));
        Assert.Equal(ParseStatus.NotANumber, ProcText.ParseBusyCpuNanoseconds(B("cpu  1 x 3 4\n"), out _));
        Assert.Equal(ParseStatus.OutOfRange, ProcText.ParseBusyCpuNanoseconds(B("cpu  9223372036854775807 1 1 1\n"), out _));
    }

    [Fact]
    public void Meminfo_fields_in_bytes()
    {
        var text = "MemTotal:        3884584 kB\nMemFree:          123 kB\nMemAvailable:    2931208 kB\n";
        Assert.Equal(ParseStatus.Ok, ProcText.ParseMeminfoBytes(B(text), "MemAvailable"u8, out var b));
        Assert.Equal(2931208L * 1024, b);
        Assert.Equal(ParseStatus.Missing, ProcText.ParseMeminfoBytes(B("MemTotal: 1 kB\n"), "MemAvailable"u8, out _));
        Assert.Equal(ParseStatus.Missing, ProcText.ParseMeminfoBytes(B("MemAvailableX: 1 kB\n"), "MemAvailable"u8, out _));
        Assert.Equal(ParseStatus.NotANumber, ProcText.ParseMeminfoBytes(B("MemTotal: lots kB\n"), "MemTotal"u8, out _));
        Assert.Equal(ParseStatus.OutOfRange, ProcText.ParseMeminfoBytes(B("MemTotal: 9223372036854775807 kB\n"), "MemTotal"u8, out _));
    }

    [Theory]
    [InlineData("#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t39\t1\nmemory\t0\t39\t0\n", false)]
    [InlineData("#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t4\t55\t1\n", true)]
    [InlineData("cpuset 0 39 1\n", null)]
    [InlineData("memory 0 39\n", null)]
    [InlineData("memory 0 39 x\n", null)]
    public void Proc_cgroups_memory_enabled(string text, bool? expected) => Assert.Equal(expected, ProcText.IsControllerEnabled(B(text), "memory"u8));

    [Theory]
    [InlineData("48312\n", ParseStatus.Ok, 48.312)]
    [InlineData("-5000\n", ParseStatus.Ok, -5.0)]
    [InlineData("110000", ParseStatus.Ok, 110.0)]
    [InlineData("", ParseStatus.Empty, 0)]
    [InlineData("48.3\n", ParseStatus.NotANumber, 0)]
    [InlineData("-273200\n", ParseStatus.OutOfRange, 0)]   // broken sensor
    [InlineData("4294967295\n", ParseStatus.OutOfRange, 0)]
    [InlineData("99999999999999999999999\n", ParseStatus.OutOfRange, 0)]
    public void Millidegrees(string text, ParseStatus status, double celsius)
    {
        Assert.Equal(status, ThermalText.ParseMillidegrees(B(text), out var c));
        if (status == ParseStatus.Ok) Assert.Equal(celsius, c, 6);
        else Assert.True(double.IsNaN(c));
    }

    [Theory]
    [InlineData("50005\n", ParseStatus.Ok, 0x50005u)]
    [InlineData("0\n", ParseStatus.Ok, 0u)]
    [InlineData("0x80008\n", ParseStatus.Ok, 0x80008u)]
    [InlineData("e0000", ParseStatus.Ok, 0xe0000u)]
    [InlineData("A0002\n", ParseStatus.Ok, 0xa0002u)]
    [InlineData("00000000050005\n", ParseStatus.Ok, 0x50005u)]
    [InlineData("", ParseStatus.Empty, 0u)]
    [InlineData("0x\n", ParseStatus.NotANumber, 0u)]
    [InlineData("throttled\n", ParseStatus.NotANumber, 0u)]
    [InlineData("123456789\n", ParseStatus.OutOfRange, 0u)]
    public void Get_throttled_hex(string text, ParseStatus status, uint bits)
    {
        Assert.Equal(status, ThermalText.ParseThrottledBits(B(text), out var b));
        if (status == ParseStatus.Ok) Assert.Equal(bits, b);
    }

    [Fact]
    public void Device_tree_strings()
    {
        Assert.Equal(["raspberrypi,4-model-b", "brcm,bcm2711"], ThermalText.ParseStringList(B("raspberrypi,4-model-b\0brcm,bcm2711\0")));
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", ThermalText.ParseName(B("Raspberry Pi 4 Model B Rev 1.4\0")));
        Assert.Null(ThermalText.ParseName(B("\n")));
        Assert.Null(ThermalText.ParseName([0x80, 0x41]));
        Assert.Empty(ThermalText.ParseStringList(B("")));
    }

    [Theory]
    [InlineData("kubepods-burstable-pod0e9d4c1a_aaaa_bbbb_cccc_ddddeeeeffff.slice", QosClass.Burstable, true, "0e9d4c1a-aaaa-bbbb-cccc-ddddeeeeffff")]
    [InlineData("kubepods-besteffort-pod0e9d4c1a_aaaa_bbbb_cccc_ddddeeeeffff.slice", QosClass.BestEffort, true, "0e9d4c1a-aaaa-bbbb-cccc-ddddeeeeffff")]
    [InlineData("kubepods-pod6f1c2a3b_1111_2222_3333_444455556666.slice", QosClass.Guaranteed, true, "6f1c2a3b-1111-2222-3333-444455556666")]
    [InlineData("kubepods-burstable.slice", QosClass.Guaranteed, true, null)]
    [InlineData("kubepods-burstable-pod0e9d4c1a_aaaa_bbbb_cccc_ddddeeeeffff.slice", QosClass.BestEffort, true, null)]
    [InlineData("kubepods-pod6f1c2a3b_1111_2222_3333_44445555666.slice", QosClass.Guaranteed, true, null)]
    [InlineData("pod6f1c2a3b-1111-2222-3333-444455556666", QosClass.Guaranteed, false, "6f1c2a3b-1111-2222-3333-444455556666")]
    [InlineData("pod6F1C2A3B-1111-2222-3333-444455556666", QosClass.Burstable, false, "6f1c2a3b-1111-2222-3333-444455556666")]
    [InlineData("burstable", QosClass.Guaranteed, false, null)]
    [InlineData("podzz1c2a3b-1111-2222-3333-444455556666", QosClass.Guaranteed, false, null)]
    public void Pod_cgroup_names(string name, QosClass qos, bool systemd, string? uid) => Assert.Equal(uid, KubeCgroupNames.PodUid(name, qos, systemd));

    [Fact]
    public void Container_leaf_names()
    {
        var id = new string('a', 32) + new string('0', 32);
        Assert.Equal(id, KubeCgroupNames.ContainerId($"cri-containerd-{id}.scope"));
        Assert.Equal(id, KubeCgroupNames.ContainerId($"crio-{id}.scope"));
        Assert.Equal(id, KubeCgroupNames.ContainerId($"docker-{id}.scope"));
        Assert.Equal(id, KubeCgroupNames.ContainerId(id));
        Assert.Null(KubeCgroupNames.ContainerId($"init-{id}.scope"));
        Assert.Null(KubeCgroupNames.ContainerId(id[..63]));
        Assert.Null(KubeCgroupNames.ContainerId(id.ToUpperInvariant()));
        Assert.Null(KubeCgroupNames.ContainerId("cgroup.procs"));
        Assert.Null(KubeCgroupNames.ContainerId("cpu.stat"));
    }
}
