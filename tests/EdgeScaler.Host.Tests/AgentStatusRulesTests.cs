namespace EdgeScaler.Host.Tests;

using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Core.Agent;
using EdgeScaler.Host.Agent;

/// <summary>The pure rules from what the agent's parts report to the status the panel shows.</summary>
public sealed class AgentStatusRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-06-01T12:00:00Z");
    private static readonly HpaRef Web = new("shop", "web");

    private static AgentObservation Observe(bool api = true, bool leader = true, string? holder = "me", ThermalState[]? states = null, ScaleDecision[]? decisions = null) =>
        new(api, leader, holder, states ?? [ThermalState.Cool], decisions ?? [], Now);

    private static ScaleDecision Decision(int current, int desired, ScaleMode mode = ScaleMode.Auto, double secondsAgo = 1) =>
        new(Web, Now.AddSeconds(-secondsAgo), current, desired, desired, mode, "test");

    [Theory]
    [InlineData(new[] { ThermalState.Cool }, ThermalState.Cool)]
    [InlineData(new[] { ThermalState.Cool, ThermalState.Hot, ThermalState.Warm }, ThermalState.Hot)]
    [InlineData(new[] { ThermalState.Unknown, ThermalState.Critical }, ThermalState.Critical)]
    [InlineData(new ThermalState[0], ThermalState.Unknown)]
    public void Worst_state_is_the_hottest_known_node(ThermalState[] states, ThermalState worst) =>
        Assert.Equal(worst, AgentStatusRules.Next(Observe(states: states), null, null).WorstThermalState);

    [Fact]
    public void A_recent_rescale_shows_as_scaling_and_an_old_one_does_not()
    {
        Assert.True(AgentStatusRules.Next(Observe(decisions: [Decision(2, 3)]), null, null).ScalingInProgress);
        Assert.False(AgentStatusRules.Next(Observe(decisions: [Decision(2, 3, secondsAgo: 120)]), null, null).ScalingInProgress);
        Assert.False(AgentStatusRules.Next(Observe(decisions: [Decision(3, 3)]), null, null).ScalingInProgress);
    }

    [Fact]
    public void An_override_decision_means_an_override_is_active()
    {
        Assert.True(AgentStatusRules.Next(Observe(decisions: [Decision(3, 3, ScaleMode.Override)]), null, null).AnyOverrideActive);
        Assert.False(AgentStatusRules.Next(Observe(decisions: [Decision(3, 3, ScaleMode.ThermalHold)]), null, null).AnyOverrideActive);
    }

    [Theory]
    [InlineData(true, false, null, true)]     // API reachable, nobody holds the lease: no leader
    [InlineData(true, false, "pi-b", false)]  // a follower of a live leader
    [InlineData(true, true, "me", false)]
    [InlineData(false, false, null, false)]   // no API: that is its own signal, not "no leader"
    public void Leader_missing_only_when_the_api_answers_and_nobody_holds_the_lease(bool api, bool leader, string? holder, bool missing) =>
        Assert.Equal(missing, AgentStatusRules.Next(Observe(api, leader, holder), null, null).LeaderMissing);

    [Fact]
    public void The_alarm_latches_on_reaching_hot_outlives_the_heat_and_clears_when_acknowledged()
    {
        DateTimeOffset? raised = null;
        raised = AgentStatusRules.RaiseAlarm(raised, ThermalState.Cool, ThermalState.Warm, Now);
        Assert.Null(raised);
        raised = AgentStatusRules.RaiseAlarm(raised, ThermalState.Warm, ThermalState.Hot, Now);
        Assert.Equal(Now, raised);
        // Staying hot does not move the alarm's start (an acknowledgement made while hot holds).
        Assert.Equal(Now, AgentStatusRules.RaiseAlarm(raised, ThermalState.Hot, ThermalState.Critical, Now.AddMinutes(1)));

        Assert.True(AgentStatusRules.Next(Observe(states: [ThermalState.Cool]), raised, null).AlarmUnacknowledged);
        Assert.False(AgentStatusRules.Next(Observe(states: [ThermalState.Cool]), raised, Now.AddMinutes(2)).AlarmUnacknowledged);
        // Heat returning after the acknowledgement raises it again.
        var again = AgentStatusRules.RaiseAlarm(raised, ThermalState.Cool, ThermalState.Hot, Now.AddMinutes(3));
        Assert.True(AgentStatusRules.Next(Observe(states: [ThermalState.Hot]), again, Now.AddMinutes(2)).AlarmUnacknowledged);
    }
}

/// <summary>This node's classified state merged with what peers report.</summary>
public sealed class NodeThermalTrackerTests
{
    private sealed class Peers(params (string Node, ThermalState State)[] states) : IPeerThermalSource
    {
        public IEnumerable<KeyValuePair<string, ThermalState>> PeerStates() => states.Select(s => new KeyValuePair<string, ThermalState>(s.Node, s.State));
    }

    [Fact]
    public void Node_states_are_the_peers_plus_our_own_and_our_own_reading_wins_for_this_node()
    {
        var limits = new ThermalLimits(70, 80, 85, 3, TimeSpan.Zero);
        var tracker = new NodeThermalTracker("pi-a", limits, new Peers(("pi-b", ThermalState.Hot), ("pi-a", ThermalState.Critical)));
        Assert.Equal(ThermalState.Hot, tracker.NodeStates()["pi-b"]);
        Assert.False(tracker.NodeStates().ContainsKey("pi-a")); // no sample of our own yet, and a peer never speaks for this node
    }
}
