namespace EdgeScaler.Core.Tests.Metrics;

using EdgeScaler.Core.Metrics;

public class UsageRatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private const string PodA = "6f1c2a3b-1111-2222-3333-444455556666";
    private static readonly string C1 = new('a', 64), C2 = new('b', 64), C3 = new('c', 64), Pause = new('p', 64);

    private static NodeCounters Node(DateTimeOffset t, long nodeNs, params PodCounters[] pods) => new(t, nodeNs, 900_000_000, pods);

    private static ContainerCounters Ct(string id, long? ns, long? mem) => new(id, ns, mem);

    private static PodCounters Pod(string uid, long ns, params ContainerCounters[] cs) => new(uid, QosClass.Burstable, ns, 1000, cs);

    [Fact]
    public void Containers_pair_by_id_and_get_nanocores()
    {
        var before = Node(T0, 10_000_000_000, Pod(PodA, 3_000_000_000, Ct(C1, 1_000_000_000, 100), Ct(Pause, 10, 5)));
        var after = Node(T0.AddSeconds(10), 30_000_000_000, Pod(PodA, 4_000_000_000, Ct(C1, 1_500_000_000, 200), Ct(Pause, 10, 5)));
        var r = UsageRates.Compute(before, after);

        Assert.Equal(TimeSpan.FromSeconds(10), r.Window);
        Assert.Equal(2_000_000_000, r.Cpu.NanoCores);
        Assert.Equal(new ResourceUsage(2_000_000_000, 900_000_000), r.NodeUsage);
        var pod = r.FindPod(PodA)!;
        Assert.Equal(100_000_000, pod.CpuNanoCores);
        var c1 = pod.Containers.Single(c => c.ContainerId == C1);
        Assert.Equal(50_000_000, c1.CpuNanoCores);
        Assert.Equal(200, c1.MemoryWorkingSetBytes); // the newer gauge
        Assert.Equal(0, pod.Containers.Single(c => c.ContainerId == Pause).CpuNanoCores);
    }

    [Fact]
    public void A_restarted_container_has_a_new_id_and_no_rate_for_one_window()
    {
        var before = Node(T0, 0, Pod(PodA, 3_000_000_000, Ct(C1, 2_000_000_000, 100)));
        var after = Node(T0.AddSeconds(10), 0, Pod(PodA, 3_100_000_000, Ct(C2, 50_000_000, 100)));
        var c = UsageRates.Compute(before, after).FindPod(PodA)!.Containers.Single();
        Assert.Equal(C2, c.ContainerId);
        Assert.Null(c.CpuNanoCores);
        Assert.Equal(RateRejection.NoPreviousSample, c.CpuRejection);
    }

    [Fact]
    public void A_counter_that_went_down_under_the_same_id_is_a_reset()
    {
        var before = Node(T0, 0, Pod(PodA, 3_000_000_000, Ct(C1, 2_000_000_000, 100)));
        var after = Node(T0.AddSeconds(10), 0, Pod(PodA, 1_000, Ct(C1, 5, 100)));
        var pod = UsageRates.Compute(before, after).FindPod(PodA)!;
        Assert.Equal(RateRejection.CounterDecreased, pod.CpuRejection);
        Assert.Equal(RateRejection.CounterDecreased, pod.Containers.Single().CpuRejection);
    }

    [Fact]
    public void New_pods_have_no_rate_and_deleted_pods_are_dropped()
    {
        const string podB = "0e9d4c1a-aaaa-bbbb-cccc-ddddeeeeffff";
        var before = Node(T0, 0, Pod(PodA, 1, Ct(C1, 1, 1)));
        var after = Node(T0.AddSeconds(10), 0, Pod(podB, 1, Ct(C3, 1, 1)));
        var r = UsageRates.Compute(before, after);
        Assert.Null(r.FindPod(PodA));
        Assert.Equal(RateRejection.NoPreviousSample, r.FindPod(podB)!.CpuRejection);
    }

    [Fact]
    public void Too_short_a_window_gives_no_rates_anywhere()
    {
        var before = Node(T0, 0, Pod(PodA, 1, Ct(C1, 1, 1)));
        var after = Node(T0.AddMilliseconds(50), 10, Pod(PodA, 2, Ct(C1, 2, 1)));
        var r = UsageRates.Compute(before, after);
        Assert.Equal(RateRejection.WindowTooShort, r.Cpu.Rejection);
        Assert.Null(r.NodeUsage);
        Assert.Equal(RateRejection.WindowTooShort, r.FindPod(PodA)!.Containers.Single().CpuRejection);
    }

    [Fact]
    public void ToPodUsage_names_api_containers_ignores_the_sandbox_and_refuses_gaps()
    {
        var before = Node(T0, 0, Pod(PodA, 0, Ct(C1, 0, 1), Ct(C2, 0, 1), Ct(Pause, 0, 1)));
        var after = Node(T0.AddSeconds(15), 0, Pod(PodA, 0, Ct(C1, 1_500_000_000, 300), Ct(C2, 0, 400), Ct(Pause, 9, 1)));
        var rates = UsageRates.Compute(before, after);
        var podRef = new PodRef("default", "web-7d9c", PodA);
        var usage = rates.FindPod(PodA)!.ToPodUsage(podRef, "pi-1", rates.Timestamp, rates.Window,
            [("containerd://" + C1, "app"), ("containerd://" + C2, "sidecar")]);
        Assert.NotNull(usage);
        Assert.Equal(["app", "sidecar"], usage.Containers.Select(c => c.Name));
        Assert.Equal(new ResourceUsage(100_000_000, 300), usage.Containers[0].Usage);
        Assert.Equal(new ResourceUsage(100_000_000, 700), usage.Total);
        Assert.Equal(TimeSpan.FromSeconds(15), usage.Window);

        // A container the API lists that has no rate (new) → the whole pod is left out, not zero.
        Assert.Null(rates.FindPod(PodA)!.ToPodUsage(podRef, "pi-1", rates.Timestamp, rates.Window, [("containerd://" + C3, "late")]));
        Assert.Null(rates.FindPod(PodA)!.ToPodUsage(podRef, "pi-1", rates.Timestamp, rates.Window, []));
    }

    [Fact]
    public void Missing_memory_keeps_a_pod_out_of_the_metrics_api()
    {
        var before = Node(T0, 0, Pod(PodA, 0, new ContainerCounters(C1, 0, null)));
        var after = Node(T0.AddSeconds(15), 0, Pod(PodA, 0, new ContainerCounters(C1, 1, null)));
        var rates = UsageRates.Compute(before, after);
        Assert.Null(rates.FindPod(PodA)!.ToPodUsage(new PodRef("d", "p", PodA), "n", rates.Timestamp, rates.Window, [(C1, "app")]));
    }

    [Theory]
    [InlineData("containerd://abc", "abc")]
    [InlineData("docker://abc", "abc")]
    [InlineData("cri-o://abc", "abc")]
    [InlineData("abc", "abc")]
    public void Container_ids_lose_their_runtime_scheme(string raw, string expected) => Assert.Equal(expected, ContainerIds.Normalize(raw));
}
