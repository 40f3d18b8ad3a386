namespace EdgeScaler.Kubernetes.Tests;

using EdgeScaler.Kubernetes.Leader;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.TestKit;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

public sealed class LeaseElectorStandInTests
{
    private static readonly LeaseTimings Timings = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));

    private static LeaseElector Elector(KubeRest rest, string id, TimeProvider time) =>
        new(rest, "kube-system", "edgescaler-scaler", id, Timings, time, NullLogger.Instance);

    [Fact]
    public async Task StandIn_TwoAgents_OnlyOneHoldsTheLease_AndTheOtherTakesOverAfterExpiry()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var clockA = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var clockB = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var a = Elector(rest, "node-a", clockA);
        var b = Elector(rest, "node-b", clockB);

        Assert.True(await a.TryAcquireOrRenewAsync(default));
        Assert.False(await b.TryAcquireOrRenewAsync(default));
        Assert.Equal("node-a", b.ObservedHolder);

        // a keeps renewing: b never gets it, however long it tries.
        for (var i = 0; i < 20; i++)
        {
            clockA.Advance(Timings.RetryPeriod);
            clockB.Advance(Timings.RetryPeriod);
            Assert.True(await a.TryAcquireOrRenewAsync(default));
            Assert.False(await b.TryAcquireOrRenewAsync(default));
        }

        // a stops (crash): b must wait a full lease duration from when it last saw a renew, then takes over.
        clockB.Advance(Timings.LeaseDuration - TimeSpan.FromSeconds(1));
        Assert.False(await b.TryAcquireOrRenewAsync(default));
        clockB.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await b.TryAcquireOrRenewAsync(default));

        var lease = api.Get<V1Lease>("coordination.k8s.io/v1", "leases", "kube-system", "edgescaler-scaler")!;
        Assert.Equal("node-b", lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);

        // a comes back: it sees b's lease and is not leader any more, immediately.
        clockA.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await a.TryAcquireOrRenewAsync(default));
        Assert.False(a.HoldsLease);
    }

    [Fact]
    public async Task StandIn_ConcurrentCandidates_NeverBothWin()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        for (var round = 0; round < 10; round++)
        {
            api.Remove("coordination.k8s.io/v1", "leases", "kube-system", "edgescaler-scaler");
            var electors = Enumerable.Range(0, 4).Select(i => Elector(rest, $"node-{i}", TimeProvider.System)).ToArray();
            var results = await Task.WhenAll(electors.Select(e => e.TryAcquireOrRenewAsync(default)));
            Assert.Equal(1, results.Count(r => r));
        }
    }

    [Fact]
    public async Task StandIn_ApiGone_LeaderStopsHoldingWithinTheRenewDeadline()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var leader = Elector(rest, "node-a", clock);
        Assert.True(await leader.TryAcquireOrRenewAsync(default));

        await api.GoAwayAsync();
        clock.Advance(Timings.RetryPeriod);
        Assert.True(await leader.TryAcquireOrRenewAsync(default)); // still inside the deadline: one failed renew is fine
        clock.Advance(Timings.RenewDeadline - Timings.RetryPeriod);
        Assert.False(await leader.TryAcquireOrRenewAsync(default));
        Assert.False(leader.HoldsLease); // no /scale write may happen from here on

        await api.ComeBackAsync();
        clock.Advance(Timings.RetryPeriod);
        Assert.True(await leader.TryAcquireOrRenewAsync(default)); // its own lease: renews without waiting
    }

    [Fact]
    public async Task StandIn_Release_LetsTheSuccessorTakeOverAtOnce()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var a = Elector(rest, "node-a", clock);
        var b = Elector(rest, "node-b", clock);
        Assert.True(await a.TryAcquireOrRenewAsync(default));
        Assert.False(await b.TryAcquireOrRenewAsync(default));
        await a.ReleaseAsync(default);
        Assert.False(a.HoldsLease);
        Assert.True(await b.TryAcquireOrRenewAsync(default));
    }
}
