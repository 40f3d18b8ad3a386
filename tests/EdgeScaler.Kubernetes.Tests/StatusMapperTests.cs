namespace EdgeScaler.Kubernetes.Tests;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;
using EdgeScaler.Kubernetes.Hpa;
using EdgeScaler.Kubernetes.Mapping;
using k8s;
using k8s.Models;

/// <summary>The algorithm's result → autoscaling/v2 status, as upstream's setStatus and setCondition write it.</summary>
public sealed class StatusMapperTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime T1 = T0.AddMinutes(1);

    private static HpaCondition C(string type, ConditionStatus status, string reason) => new(type, status, reason, $"{reason} message");

    private static HpaResult Result(int current, int desired, IReadOnlyList<MetricOutcome> metrics, params HpaCondition[] conditions) =>
        new(current, desired, desired, desired, metrics, conditions, HpaHistory.Empty, null, null, []);

    private static MetricOutcome Ok(MetricSpec spec, int? utilization = null, string? average = null, string? value = null) =>
        new(spec, 3, "m", null, utilization, average is null ? null : Quantity.Parse(average), value is null ? null : Quantity.Parse(value), null, null, null);

    private static MetricOutcome Failed(MetricSpec spec) => new(spec, null, null, null, null, null, null, null, "boom", HpaConditions.FailedGetResourceMetric);

    [Fact]
    public void Condition_KeepsLastTransitionTime_WhileItsStatusIsUnchanged_EvenWhenTheReasonChanges()
    {
        var first = StatusMapper.ToStatus(Result(2, 2, [], C("AbleToScale", ConditionStatus.True, "SucceededRescale")), 2, false, null, [], T0);
        var second = StatusMapper.ToStatus(Result(2, 2, [], C("AbleToScale", ConditionStatus.True, "ReadyForNewScale")), 2, false, first, [], T1);
        var c = Assert.Single(second.Conditions);
        Assert.Equal(("ReadyForNewScale", T0), (c.Reason, c.LastTransitionTime));
    }

    [Fact]
    public void Condition_StatusChange_MovesLastTransitionTime()
    {
        var first = StatusMapper.ToStatus(Result(2, 2, [], C("ScalingActive", ConditionStatus.True, "ValidMetricFound")), 2, false, null, [], T0);
        var second = StatusMapper.ToStatus(Result(2, 2, [], C("ScalingActive", ConditionStatus.False, "FailedGetResourceMetric")), 2, false, first, [], T1);
        Assert.Equal(T1, Assert.Single(second.Conditions).LastTransitionTime);
        var third = StatusMapper.ToStatus(Result(2, 2, [], C("ScalingActive", ConditionStatus.True, "ValidMetricFound")), 2, false, second, [], T1.AddMinutes(1));
        Assert.Equal(T1.AddMinutes(1), Assert.Single(third.Conditions).LastTransitionTime);
    }

    [Fact]
    public void Conditions_NotSetThisRound_AreKept_AndExtraConditionsWinOverTheAlgorithms()
    {
        var before = StatusMapper.ToStatus(Result(2, 2, [], C("AbleToScale", ConditionStatus.True, "ReadyForNewScale"), C("ScalingLimited", ConditionStatus.False, "DesiredWithinRange")), 2, false, null, [], T0);
        var after = StatusMapper.ToStatus(Result(2, 4, [], C("AbleToScale", ConditionStatus.True, "ReadyForNewScale")), 4, true, before,
            [HpaConditions.SucceededRescaleCondition(4)], T1);
        Assert.Equal(["AbleToScale", "ScalingLimited"], after.Conditions.Select(c => c.Type));
        Assert.Equal(("SucceededRescale", T0), (after.Conditions[0].Reason, after.Conditions[0].LastTransitionTime));
        Assert.Equal("DesiredWithinRange", after.Conditions[1].Reason);
    }

    [Fact]
    public void Replicas_AndLastScaleTime_FollowTheWrite()
    {
        var previous = new V2HorizontalPodAutoscalerStatus { DesiredReplicas = 7, LastScaleTime = T0, ObservedGeneration = 3 };
        var rescaled = StatusMapper.ToStatus(Result(2, 5, []), 4, true, previous, [], T1);
        Assert.Equal((2, 4, T1, 3L), (rescaled.CurrentReplicas!.Value, rescaled.DesiredReplicas, rescaled.LastScaleTime!.Value, rescaled.ObservedGeneration!.Value));

        var held = StatusMapper.ToStatus(Result(2, 5, []), 2, false, previous, [], T1);
        Assert.Equal((2, 2, T0), (held.CurrentReplicas!.Value, held.DesiredReplicas, held.LastScaleTime!.Value));
    }

    [Fact]
    public void MetricsFailed_KeepsThePreviousDesiredReplicas_AndWritesEmptyEntriesForFailedMetrics()
    {
        var cpu = MetricSpec.ResourceUtilization("cpu", 50);
        var failed = new HpaResult(3, null, null, 3, [Failed(cpu)], [C("ScalingActive", ConditionStatus.False, "FailedGetResourceMetric")], HpaHistory.Empty, "invalid metrics", null, []);
        var status = StatusMapper.ToStatus(failed, 3, false, new V2HorizontalPodAutoscalerStatus { DesiredReplicas = 5 }, [], T1);
        Assert.Equal(5, status.DesiredReplicas);
        Assert.Equal("", Assert.Single(status.CurrentMetrics).Type);
    }

    [Fact]
    public void NoMetricsComputed_LeavesCurrentMetricsEmpty_AsUpstreamsShortcutsDo()
    {
        var previous = new V2HorizontalPodAutoscalerStatus { CurrentMetrics = [new V2MetricStatus { Type = "Resource" }] };
        var status = StatusMapper.ToStatus(Result(12, 10, []), 10, true, previous, [], T1);
        Assert.Null(status.CurrentMetrics);
    }

    [Fact]
    public void EveryMetricType_RoundTripsThroughJson()
    {
        var selector = new LabelSelector(new Dictionary<string, string> { ["queue"] = "jobs" }, null);
        MetricOutcome[] metrics =
        [
            Ok(MetricSpec.ResourceUtilization("cpu", 50), utilization: 73, average: "73m"),
            Ok(MetricSpec.ContainerResourceUtilization("memory", "app", 60), utilization: 41, average: "52Mi"),
            Ok(MetricSpec.Pods("rps", Quantity.Parse("10")), average: "12500m"),
            Ok(MetricSpec.ObjectValue("hits", new ObjectReference("Ingress", "main", "networking.k8s.io/v1"), Quantity.Parse("2k")), value: "2500"),
            Ok(new MetricSpec(MetricSourceType.External, new MetricTarget(MetricTargetType.AverageValue, AverageValue: Quantity.Parse("30")), MetricName: "queue_depth", MetricSelector: selector), average: "45"),
        ];
        var status = StatusMapper.ToStatus(Result(2, 3, metrics, C("ScalingActive", ConditionStatus.True, "ValidMetricFound")), 3, true, null, [], T0);
        var back = KubernetesJson.Deserialize<V2HorizontalPodAutoscalerStatus>(KubernetesJson.Serialize(status));

        Assert.True(HpaStatusWriter.SameStatus(status, back)); // what we write reads back the same: no rewrite next pass
        var m = back.CurrentMetrics;
        Assert.Equal(["Resource", "ContainerResource", "Pods", "Object", "External"], m.Select(x => x.Type));
        Assert.Equal(("cpu", 73, 73L), (m[0].Resource.Name, m[0].Resource.Current.AverageUtilization!.Value, Milli(m[0].Resource.Current.AverageValue)));
        Assert.Equal(("memory", "app", 41), (m[1].ContainerResource.Name, m[1].ContainerResource.Container, m[1].ContainerResource.Current.AverageUtilization!.Value));
        Assert.Equal(52L * 1024 * 1024 * 1000, Milli(m[1].ContainerResource.Current.AverageValue));
        Assert.Equal(("rps", 12_500L), (m[2].Pods.Metric.Name, Milli(m[2].Pods.Current.AverageValue)));
        Assert.Equal(("hits", "Ingress", "main", 2_500_000L), (m[3].ObjectProperty.Metric.Name, m[3].ObjectProperty.DescribedObject.Kind, m[3].ObjectProperty.DescribedObject.Name, Milli(m[3].ObjectProperty.Current.Value)));
        Assert.Equal(("queue_depth", "jobs", 45_000L), (m[4].External.Metric.Name, m[4].External.Metric.Selector.MatchLabels["queue"], Milli(m[4].External.Current.AverageValue)));
        Assert.Equal(("ScalingActive", "True", "ValidMetricFound", T0), (back.Conditions[0].Type, back.Conditions[0].Status, back.Conditions[0].Reason, back.Conditions[0].LastTransitionTime!.Value));
        Assert.Equal((2, 3, T0), (back.CurrentReplicas!.Value, back.DesiredReplicas, back.LastScaleTime!.Value));
    }

    private static long Milli(ResourceQuantity q) => QuantityMapping.ToQuantity(q, "q").MilliValue();
}
