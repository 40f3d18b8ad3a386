namespace EdgeScaler.Core.Tests.Thermal;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Tests.Hpa;
using EdgeScaler.Core.Thermal;

public class ThermalPolicyTests
{
    private static readonly DateTimeOffset Now = Fx.Now;

    private static HostingThermal Hosting(params (string Node, ThermalState State)[] nodes)
    {
        var pods = nodes.Select((n, i) => Fx.Pod($"p{i}", node: n.Node)).ToList();
        return HostingThermal.Of(pods, nodes.ToDictionary(n => n.Node, n => n.State));
    }

    [Theory]
    [InlineData(null, ThermalPolicyMode.Hold, false)]
    [InlineData("hold", ThermalPolicyMode.Hold, false)]
    [InlineData("Shed", ThermalPolicyMode.Shed, false)]
    [InlineData(" ignore ", ThermalPolicyMode.Ignore, false)]
    [InlineData("melt", ThermalPolicyMode.Hold, true)]
    public void Annotation_parses_with_hold_as_default(string? value, ThermalPolicyMode expected, bool warns)
    {
        var annotations = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [ThermalPolicyAnnotation.Key] = value };
        Assert.Equal(expected, ThermalPolicyAnnotation.Parse(annotations, out var error));
        Assert.Equal(warns, error is not null);
    }

    [Fact]
    public void Hosting_nodes_are_those_of_live_scheduled_pods()
    {
        var pods = new List<PodInfo>
        {
            Fx.Pod("a", node: "pi-1"), Fx.Pod("b", node: "pi-2"), Fx.Pod("c", node: "pi-3", deleting: true),
            Fx.Pod("d", node: "pi-4", phase: PodPhase.Failed), Fx.Pod("e", node: null, phase: PodPhase.Pending),
        };
        var states = new Dictionary<string, ThermalState> { ["pi-1"] = ThermalState.Warm, ["pi-2"] = ThermalState.Cool, ["pi-3"] = ThermalState.Critical, ["pi-4"] = ThermalState.Hot };
        var h = HostingThermal.Of(pods, states);
        Assert.Equal(["pi-1", "pi-2"], h.Nodes);
        Assert.Equal(ThermalState.Warm, h.Worst);
        Assert.False(h.AnyHot);
    }

    // policy, worst state, current, HPA wanted, min → allowed, mode
    [Theory]
    [InlineData(ThermalPolicyMode.Hold, ThermalState.Hot, 3, 6, 1, 3, ScaleMode.ThermalHold)]
    [InlineData(ThermalPolicyMode.Hold, ThermalState.Critical, 3, 6, 1, 3, ScaleMode.ThermalHold)]
    [InlineData(ThermalPolicyMode.Hold, ThermalState.Warm, 3, 6, 1, 6, ScaleMode.Auto)]
    [InlineData(ThermalPolicyMode.Hold, ThermalState.Hot, 5, 2, 1, 2, ScaleMode.Auto)]        // scale-down passes
    [InlineData(ThermalPolicyMode.Hold, ThermalState.Hot, 1, 3, 3, 3, ScaleMode.Auto)]        // below min: raise to min anyway
    [InlineData(ThermalPolicyMode.Shed, ThermalState.Hot, 5, 5, 1, 4, ScaleMode.ThermalShed)]
    [InlineData(ThermalPolicyMode.Shed, ThermalState.Hot, 5, 8, 1, 4, ScaleMode.ThermalShed)]
    [InlineData(ThermalPolicyMode.Shed, ThermalState.Hot, 5, 2, 1, 2, ScaleMode.Auto)]        // HPA already lower
    [InlineData(ThermalPolicyMode.Shed, ThermalState.Hot, 2, 2, 2, 2, ScaleMode.Auto)]        // never below min
    [InlineData(ThermalPolicyMode.Shed, ThermalState.Warm, 5, 5, 1, 5, ScaleMode.Auto)]
    [InlineData(ThermalPolicyMode.Ignore, ThermalState.Critical, 3, 6, 1, 6, ScaleMode.Auto)]
    [InlineData(ThermalPolicyMode.Hold, ThermalState.Unknown, 3, 6, 1, 6, ScaleMode.Auto)]
    public void Policy_table(ThermalPolicyMode policy, ThermalState state, int current, int wanted, int min, int allowed, ScaleMode mode)
    {
        var o = ThermalPolicy.Apply(policy, Hosting(("pi-1", state), ("pi-2", ThermalState.Cool)), current, wanted, min, null, HpaHistory.Empty, Now);
        Assert.Equal(allowed, o.Allowed);
        Assert.Equal(mode, o.Mode);
        Assert.Equal(wanted, o.Wanted);
        if (o.Changed) Assert.Contains($"HPA wanted {wanted}", o.Reason);
    }

    [Fact]
    public void Shed_honours_scale_down_policies()
    {
        var oneAMinute = new HpaBehavior(null, new ScalingRules(0, SelectPolicy.Max, [new(ScalingPolicyType.Pods, 1, 60)]));
        var hot = Hosting(("pi-1", ThermalState.Hot));
        Assert.Equal(4, ThermalPolicy.Apply(ThermalPolicyMode.Shed, hot, 5, 5, 1, oneAMinute, HpaHistory.Empty, Now).Allowed);
        var justShed = new HpaHistory([], [], [new(1, Now.AddSeconds(-20))]);
        var held = ThermalPolicy.Apply(ThermalPolicyMode.Shed, hot, 4, 4, 1, oneAMinute, justShed, Now);
        Assert.Equal(4, held.Allowed);
        Assert.Contains("allow no step", held.Reason);
        var disabled = new HpaBehavior(null, new ScalingRules(0, SelectPolicy.Disabled));
        Assert.Equal(5, ThermalPolicy.Apply(ThermalPolicyMode.Shed, hot, 5, 5, 1, disabled, HpaHistory.Empty, Now).Allowed);
        // even with scale-down disabled, shed never lets the HPA scale up while hot
        Assert.Equal(5, ThermalPolicy.Apply(ThermalPolicyMode.Shed, hot, 5, 9, 1, disabled, HpaHistory.Empty, Now).Allowed);
    }

    [Fact]
    public void Property_hold_never_raises_replicas_while_hot_and_never_goes_below_min()
    {
        var rng = new Random(7);
        for (var i = 0; i < 20000; i++)
        {
            var min = rng.Next(0, 5);
            var current = rng.Next(min, 20);
            var wanted = rng.Next(min, 30);
            var state = (ThermalState)rng.Next(0, 5);
            var policy = (ThermalPolicyMode)rng.Next(0, 3);
            var o = ThermalPolicy.Apply(policy, Hosting(("n", state)), current, wanted, min, null, HpaHistory.Empty, Now);
            Assert.True(o.Allowed >= min);
            Assert.True(o.Allowed <= Math.Max(wanted, min));
            if (policy != ThermalPolicyMode.Ignore && state >= ThermalState.Hot) Assert.True(o.Allowed <= Math.Max(current, min), $"{policy} raised {current} → {o.Allowed}");
            if (policy == ThermalPolicyMode.Shed && state >= ThermalState.Hot) Assert.True(o.Allowed >= Math.Max(min, Math.Min(wanted, current - 1)));
        }
    }
}
