namespace EdgeScaler.Node.Tests;

using EdgeScaler.Core.Metrics;

/// <summary>Two samples of a tree whose counters move between them, as on a live node: rates, restarts and resets.</summary>
public class RateFromFilesTests
{
    private static string AppDir(TempTree t, string board) =>
        t.Dirs(board == "rpi-3bplus" ? "/sys/fs/cgroup/cpu,cpuacct/kubepods" : "/sys/fs/cgroup/kubepods.slice", board == "rpi-3bplus" ? "*" : "cri-containerd-*.scope")
            .Single(d => File.Exists(t.Path_(d + (board == "rpi-3bplus" ? "/cpuacct.usage" : "/cpu.stat")))
                && t.Read(d + (board == "rpi-3bplus" ? "/cpuacct.usage" : "/cpu.stat")).StartsWith(board == "rpi-3bplus" ? "183205731000" : "usage_usec 183205731"));

    [Fact]
    public void V2_container_and_node_rates_from_moving_counters()
    {
        using var t = new TempTree("rpi-4b");
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var first = sampler.Sample(Fixtures.T0);
        var app = AppDir(t, "rpi-4b");
        t.Write(app + "/cpu.stat", "usage_usec 183705731\nuser_usec 1\nsystem_usec 1\n");          // +0.5 s of CPU
        t.Write("/sys/fs/cgroup/cpu.stat", "usage_usec 118211530\nuser_usec 1\nsystem_usec 1\n");  // +20 s
        var second = sampler.Sample(Fixtures.T0.AddSeconds(10));

        var rates = UsageRates.Compute(first.Counters, second.Counters);
        Assert.Equal(2_000_000_000, rates.Cpu.NanoCores); // 2 cores busy
        var id = app[(app.LastIndexOf("cri-containerd-") + 15)..^6];
        var c = rates.Pods.SelectMany(p => p.Containers).Single(c => c.ContainerId == id);
        Assert.Equal(50_000_000, c.CpuNanoCores);          // 50m, the spec's worked example
        Assert.Equal(57000000 - 26017792, c.MemoryWorkingSetBytes);
        // Untouched containers: exactly zero, not missing.
        Assert.All(rates.Pods.SelectMany(p => p.Containers).Where(x => x.ContainerId != id), x => Assert.Equal(0, x.CpuNanoCores));
    }

    [Fact]
    public void V1_cpuacct_rates()
    {
        using var t = new TempTree("rpi-3bplus");
        using var sampler = Fixtures.Sampler(t.Root, "rpi-3bplus");
        var first = sampler.Sample(Fixtures.T0);
        var app = AppDir(t, "rpi-3bplus");
        t.Write(app + "/cpuacct.usage", (183205731000L + 250_000_000).ToString() + "\n");
        var second = sampler.Sample(Fixtures.T0.AddSeconds(5));
        var rates = UsageRates.Compute(first.Counters, second.Counters);
        Assert.Contains(rates.Pods.SelectMany(p => p.Containers), c => c.CpuNanoCores == 50_000_000);
    }

    [Fact]
    public void A_restarted_container_gets_a_new_leaf_and_no_rate_until_the_next_window()
    {
        using var t = new TempTree("rpi-4b");
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var first = sampler.Sample(Fixtures.T0);
        var app = AppDir(t, "rpi-4b");
        var restarted = app[..(app.LastIndexOf("cri-containerd-") + 15)] + new string('f', 64) + ".scope";
        Directory.Move(t.Path_(app), t.Path_(restarted));
        t.Write(restarted + "/cpu.stat", "usage_usec 1000\n");
        var second = sampler.Sample(Fixtures.T0.AddSeconds(10));
        var third = sampler.Sample(Fixtures.T0.AddSeconds(20));

        var c2 = UsageRates.Compute(first.Counters, second.Counters).Pods.SelectMany(p => p.Containers).Single(c => c.ContainerId == new string('f', 64));
        Assert.Null(c2.CpuNanoCores);
        Assert.Equal(RateRejection.NoPreviousSample, c2.CpuRejection);
        var c3 = UsageRates.Compute(second.Counters, third.Counters).Pods.SelectMany(p => p.Containers).Single(c => c.ContainerId == new string('f', 64));
        Assert.Equal(0, c3.CpuNanoCores);
        // The pod cgroup's own counter is untouched here, so the pod rate stays valid through the restart.
        Assert.Equal(RateRejection.None, UsageRates.Compute(first.Counters, second.Counters).Pods.Single(p => p.Qos == QosClass.Guaranteed).CpuRejection);
    }

    [Fact]
    public void A_counter_reset_under_the_same_id_is_not_a_negative_rate()
    {
        using var t = new TempTree("rpi-4b");
        using var sampler = Fixtures.Sampler(t.Root, "rpi-4b");
        var first = sampler.Sample(Fixtures.T0);
        t.Write(AppDir(t, "rpi-4b") + "/cpu.stat", "usage_usec 10\n");
        var second = sampler.Sample(Fixtures.T0.AddSeconds(10));
        var rates = UsageRates.Compute(first.Counters, second.Counters);
        Assert.Contains(rates.Pods.SelectMany(p => p.Containers), c => c.CpuRejection == RateRejection.CounterDecreased && c.CpuNanoCores is null);
        Assert.DoesNotContain(rates.Pods.SelectMany(p => p.Containers), c => c.CpuNanoCores < 0);
    }
}
