namespace EdgeScaler.Kubernetes.Tests;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;
using EdgeScaler.Kubernetes.Mapping;
using k8s;
using k8s.Models;

/// <summary>autoscaling/v2 HPA JSON (as the API serves it) → the algorithm's HpaSpec, and bad specs → upstream's reasons.</summary>
public sealed class HpaMapperTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:10:00Z");

    private static V2HorizontalPodAutoscaler Hpa(string metricsJson, string? behaviorJson = null, string extraSpec = "") =>
        KubernetesJson.Deserialize<V2HorizontalPodAutoscaler>($$"""
        {
          "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
          "metadata": { "name": "web", "namespace": "shop", "annotations": { "edgescaler.io/thermal-policy": "shed" } },
          "spec": {
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "web" },
            "minReplicas": 2, "maxReplicas": 9, {{extraSpec}}
            "metrics": {{metricsJson}}{{(behaviorJson is null ? "" : $", \"behavior\": {behaviorJson}")}}
          }
        }
        """);

    private static MetricSpec OnlyMetric(string metricJson) => Assert.Single(HpaMapper.ToCore(Hpa($"[{metricJson}]")).Spec.Metrics);

    [Fact]
    public void Spec_MetadataTargetAndBounds_Map()
    {
        var core = HpaMapper.ToCore(Hpa("[]"));
        Assert.Equal(new HpaRef("shop", "web"), core.Ref);
        Assert.Equal("shed", core.Annotations["edgescaler.io/thermal-policy"]);
        Assert.Equal(new ScaleTargetRef("Deployment", "web", "apps/v1"), core.Spec.ScaleTargetRef);
        Assert.Equal((2, 9), (core.Spec.MinReplicas, core.Spec.MaxReplicas));
        Assert.Empty(core.Spec.Metrics);
        Assert.Equal("cpu", Assert.Single(core.Spec.EffectiveMetrics).ResourceName); // the API default: cpu at 80%
        Assert.Null(core.Spec.Behavior);
    }

    [Fact]
    public void Resource_UtilizationAndAverageValue()
    {
        var u = OnlyMetric("""{ "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": 60 } } }""");
        Assert.Equal((MetricSourceType.Resource, "cpu", MetricTargetType.Utilization, 60), (u.Type, u.ResourceName, u.Target.Type, u.Target.AverageUtilization));

        var v = OnlyMetric("""{ "type": "Resource", "resource": { "name": "memory", "target": { "type": "AverageValue", "averageValue": "512Mi" } } }""");
        Assert.Equal((MetricTargetType.AverageValue, 512L * 1024 * 1024 * 1000), (v.Target.Type, v.Target.AverageValue!.Value.MilliValue()));
    }

    [Fact]
    public void ContainerResource_KeepsTheContainer()
    {
        var m = OnlyMetric("""{ "type": "ContainerResource", "containerResource": { "name": "cpu", "container": "app", "target": { "type": "Utilization", "averageUtilization": 75 } } }""");
        Assert.Equal((MetricSourceType.ContainerResource, "cpu", "app", 75), (m.Type, m.ResourceName, m.Container, m.Target.AverageUtilization));
    }

    [Fact]
    public void Pods_NameSelectorAndAverageValue()
    {
        var m = OnlyMetric("""
            { "type": "Pods", "pods": { "metric": { "name": "requests_per_second", "selector": { "matchLabels": { "verb": "GET" } } },
              "target": { "type": "AverageValue", "averageValue": "1500m" } } }
            """);
        Assert.Equal((MetricSourceType.Pods, "requests_per_second", 1500L), (m.Type, m.MetricName, m.Target.AverageValue!.Value.MilliValue()));
        Assert.Equal("GET", m.MetricSelector!.MatchLabels!["verb"]);
    }

    [Fact]
    public void Object_DescribedObjectAndValue()
    {
        var m = OnlyMetric("""
            { "type": "Object", "object": { "metric": { "name": "hits" },
              "describedObject": { "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "main" },
              "target": { "type": "Value", "value": "10k" } } }
            """);
        Assert.Equal((MetricSourceType.Object, "hits", MetricTargetType.Value, 10_000_000L), (m.Type, m.MetricName, m.Target.Type, m.Target.Value!.Value.MilliValue()));
        Assert.Equal(new ObjectReference("Ingress", "main", "networking.k8s.io/v1"), m.DescribedObject);
    }

    [Fact]
    public void External_SelectorWithExpressions()
    {
        var m = OnlyMetric("""
            { "type": "External", "external": { "metric": { "name": "queue_messages_ready",
              "selector": { "matchExpressions": [ { "key": "queue", "operator": "In", "values": ["jobs", "mail"] } ] } },
              "target": { "type": "AverageValue", "averageValue": "30" } } }
            """);
        Assert.Equal((MetricSourceType.External, "queue_messages_ready", 30_000L), (m.Type, m.MetricName, m.Target.AverageValue!.Value.MilliValue()));
        var e = Assert.Single(m.MetricSelector!.MatchExpressions!);
        Assert.Equal(("queue", "In"), (e.Key, e.Operator));
        Assert.Equal(["jobs", "mail"], e.Values);
    }

    [Fact]
    public void Behavior_Nil_StaysNil_ForTheLegacyPath()
    {
        Assert.Null(HpaMapper.ToCore(Hpa("[]")).Spec.Behavior);
    }

    [Fact]
    public void Behavior_Set_MapsEveryFieldAndLeavesUnsetOnesNull()
    {
        var core = HpaMapper.ToCore(Hpa("[]", """
            { "scaleUp": { "stabilizationWindowSeconds": 30, "selectPolicy": "Min",
                           "policies": [ { "type": "Pods", "value": 2, "periodSeconds": 60 }, { "type": "Percent", "value": 50, "periodSeconds": 30 } ] },
              "scaleDown": { "selectPolicy": "Disabled", "tolerance": "50m" } }
            """));
        var up = core.Spec.Behavior!.ScaleUp!;
        Assert.Equal((30, SelectPolicy.Min), (up.StabilizationWindowSeconds, up.SelectPolicy));
        Assert.Equal([new ScalingPolicy(ScalingPolicyType.Pods, 2, 60), new ScalingPolicy(ScalingPolicyType.Percent, 50, 30)], up.Policies!);
        var down = core.Spec.Behavior.ScaleDown!;
        Assert.Equal((null, SelectPolicy.Disabled, null), (down.StabilizationWindowSeconds, down.SelectPolicy, down.Policies));
        Assert.Equal(0.05, down.Tolerance!.Value, 9);
    }

    [Fact]
    public void Behavior_OnlyOneDirection_LeavesTheOtherForDefaults()
    {
        var b = HpaMapper.ToCore(Hpa("[]", """{ "scaleDown": { "stabilizationWindowSeconds": 60 } }""")).Spec.Behavior!;
        Assert.Null(b.ScaleUp);
        Assert.Equal(60, b.ScaleDown!.StabilizationWindowSeconds);
        Assert.Equal(HpaBehavior.DefaultScaleUpPolicies, b.WithDefaults().ScaleUp!.Policies!);
    }

    [Theory]
    [InlineData("""{ "scaleUp": { "stabilizationWindowSeconds": 4000 } }""", "spec.behavior.scaleUp.stabilizationWindowSeconds")]
    [InlineData("""{ "scaleDown": { "selectPolicy": "Sometimes" } }""", "spec.behavior.scaleDown.selectPolicy")]
    [InlineData("""{ "scaleUp": { "policies": [ { "type": "Nodes", "value": 1, "periodSeconds": 15 } ] } }""", "spec.behavior.scaleUp.policies[0].type")]
    [InlineData("""{ "scaleUp": { "policies": [ { "type": "Pods", "value": 1, "periodSeconds": 0 } ] } }""", "spec.behavior.scaleUp.policies[0].periodSeconds")]
    [InlineData("""{ "scaleDown": { "policies": [ { "type": "Percent", "value": 0, "periodSeconds": 15 } ] } }""", "spec.behavior.scaleDown.policies[0].value")]
    public void Behavior_OutOfRange_ThrowsNamingTheField(string behavior, string path)
    {
        var e = Assert.Throws<MappingException>(() => HpaMapper.ToCore(Hpa("[]", behavior)));
        Assert.Equal(path, e.Path);
    }

    [Theory]
    [InlineData("\"maxReplicas\": 0,", "spec.maxReplicas")]
    [InlineData("\"scaleTargetRef\": { \"kind\": \"Deployment\" },", "spec.scaleTargetRef.name")]
    public void Structure_Invalid_ThrowsNamingTheField(string extra, string path)
    {
        // A later duplicate key wins in System.Text.Json, so these override the defaults above.
        var e = Assert.Throws<MappingException>(() => HpaMapper.ToCore(Hpa("[]", extraSpec: extra)));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Strict_BadMetricTarget_Throws_Lenient_KeepsItAsAFailingMetricOfItsType()
    {
        var hpa = Hpa("""
            [ { "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Percentage", "averageUtilization": 60 } } },
              { "type": "External", "external": { "metric": { "name": "q" } } },
              { "type": "Resource", "resource": { "name": "memory", "target": { "type": "AverageValue", "averageValue": "100Mi" } } } ]
            """);
        Assert.Equal("spec.metrics[0].resource.target.type", Assert.Throws<MappingException>(() => HpaMapper.ToCore(hpa)).Path);

        var problems = new List<MappingException>();
        var metrics = HpaMapper.ToCore(hpa, problems).Spec.Metrics;
        Assert.Equal(["spec.metrics[0].resource.target.type", "spec.metrics[1].external.target"], problems.Select(p => p.Path));
        Assert.Equal([MetricSourceType.Resource, MetricSourceType.External, MetricSourceType.Resource], metrics.Select(m => m.Type));
        Assert.Null(metrics[0].Target.AverageUtilization);
        Assert.Equal(100L * 1024 * 1024 * 1000, metrics[2].Target.AverageValue!.Value.MilliValue()); // the good one is intact
    }

    // ---- Bad specs through the algorithm: upstream's ScalingActive reasons -------------------------------------

    private static HpaResult Reconcile(HpaObject core, string? scaleSelector = "app=web") =>
        HpaReconciler.Reconcile(new HpaInput(core, new ScaleInfo(3, 3, scaleSelector), [], new HpaMetricsSnapshot(), HpaHistory.Empty, Now));

    private static HpaCondition ScalingActive(HpaResult r) => Assert.Single(r.Conditions, c => c.Type == HpaConditions.ScalingActive);

    [Fact]
    public void UnknownMetricType_IsInvalidMetricSourceType()
    {
        var core = HpaMapper.ToCore(Hpa("""[ { "type": "Magic", "resource": { "name": "cpu" } } ]"""));
        Assert.Equal((MetricSourceType.Unknown, "Magic"), (core.Spec.Metrics[0].Type, core.Spec.Metrics[0].TypeText));
        var c = ScalingActive(Reconcile(core));
        Assert.Equal((ConditionStatus.False, HpaConditions.InvalidMetricSourceType), (c.Status, c.Reason));
        Assert.Contains("unknown metric source type \"Magic\"", c.Message);
    }

    [Theory]
    [InlineData("Resource", """{ "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Percent" } } }""", HpaConditions.FailedGetResourceMetric)]
    [InlineData("ContainerResource", """{ "type": "ContainerResource", "containerResource": { "name": "cpu", "container": "app", "target": { "type": "Percent" } } }""", HpaConditions.FailedGetContainerResourceMetric)]
    [InlineData("Pods", """{ "type": "Pods", "pods": { "metric": { "name": "rps" } } }""", HpaConditions.FailedGetPodsMetric)]
    [InlineData("Object", """{ "type": "Object", "object": { "metric": { "name": "hits" }, "target": { "type": "Value" } } }""", HpaConditions.FailedGetObjectMetric)]
    [InlineData("External", """{ "type": "External" }""", HpaConditions.FailedGetExternalMetric)]
    public void LenientlyMappedBadMetric_FailsWithItsTypesReason(string type, string metric, string reason)
    {
        var problems = new List<MappingException>();
        var core = HpaMapper.ToCore(Hpa($"[{metric}]"), problems);
        Assert.Single(problems);
        var c = ScalingActive(Reconcile(core));
        Assert.Equal((ConditionStatus.False, reason), (c.Status, c.Reason));
        Assert.Contains("invalid", c.Message);
        Assert.Contains(type == "ContainerResource" ? "resource" : type.ToLowerInvariant(), c.Message);
    }

    [Fact]
    public void InvalidMetricSelector_IsTheMetricTypesFailedGetReason()
    {
        var core = HpaMapper.ToCore(Hpa("""
            [ { "type": "External", "external": { "metric": { "name": "q",
                "selector": { "matchExpressions": [ { "key": "queue", "operator": "Near", "values": ["jobs"] } ] } },
                "target": { "type": "AverageValue", "averageValue": "30" } } } ]
            """));
        var c = ScalingActive(Reconcile(core));
        Assert.Equal((ConditionStatus.False, HpaConditions.FailedGetExternalMetric), (c.Status, c.Reason));
        Assert.Contains("\"Near\" is not a valid label selector operator", c.Message);
    }

    [Theory]
    [InlineData(null, "the HPA target's scale is missing a selector")]
    [InlineData("app in (web", "couldn't convert selector")]
    public void InvalidScaleSelector_IsInvalidSelector(string? selector, string message)
    {
        var core = HpaMapper.ToCore(Hpa("""[ { "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": 50 } } } ]"""));
        var c = ScalingActive(Reconcile(core, selector));
        Assert.Equal((ConditionStatus.False, HpaConditions.InvalidSelector), (c.Status, c.Reason));
        Assert.Contains(message, c.Message);
    }

    // A malformed quantity never reaches the mapper: KubernetesClient's ResourceQuantity refuses it while reading JSON.

    [Fact]
    public void Quantity_MapsExactly_BothWays()
    {
        foreach (var text in new[] { "100m", "1500m", "2", "512Mi", "1Gi", "10k", "0" })
        {
            var q = QuantityMapping.ToQuantity(new ResourceQuantity(text), "q");
            Assert.Equal(Quantity.Parse(text).MilliValue(), QuantityMapping.ToQuantity(QuantityMapping.ToResourceQuantity(q), "q").MilliValue());
        }
    }
}
