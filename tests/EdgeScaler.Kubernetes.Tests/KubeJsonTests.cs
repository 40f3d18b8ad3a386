namespace EdgeScaler.Kubernetes.Tests;

using System.Text.Json;
using EdgeScaler.Kubernetes.Rest;
using k8s;
using k8s.Models;

/// <summary>
/// Our small model context must read and write exactly what KubernetesClient's KubernetesJson does (same names,
/// dates, quantities, int-or-strings, nulls left out), or the API would see different objects from us.
/// </summary>
public sealed class KubeJsonTests
{
    private const string Hpa = """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
         "metadata":{"name":"web","namespace":"shop","resourceVersion":"42","creationTimestamp":"2026-01-01T00:00:00Z",
                     "annotations":{"edgescaler.io/override-replicas":"3"}},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":10,
                 "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
                            {"type":"Pods","pods":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"1500m"}}}],
                 "behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Max",
                             "policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}},
         "status":{"currentReplicas":2,"desiredReplicas":4,"lastScaleTime":"2026-01-01T00:05:00Z",
                   "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":97,"averageValue":"486m"}}}],
                   "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:05:01Z",
                                  "reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 4"}]}}
        """;

    private const string Pod = """
        {"metadata":{"name":"web-0","namespace":"shop","labels":{"app":"web"},"creationTimestamp":"2026-01-01T00:00:00Z"},
         "spec":{"nodeName":"pi-1","containers":[{"name":"app","image":"nginx",
                 "resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"memory":"1Gi"}},
                 "readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":5},
                 "livenessProbe":{"tcpSocket":{"port":8080}}}]},
         "status":{"phase":"Running","startTime":"2026-01-01T00:00:01Z",
                   "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:09Z"}]}}
        """;

    private const string Event = """
        {"metadata":{"name":"web.1","namespace":"shop"},"involvedObject":{"kind":"HorizontalPodAutoscaler","name":"web"},
         "reason":"SuccessfulRescale","message":"New size: 4; reason: cpu resource utilization (percentage of request) above target",
         "type":"Normal","count":2,"firstTimestamp":"2026-01-01T00:05:00Z","lastTimestamp":"2026-01-01T00:06:00Z",
         "eventTime":"2026-01-01T00:05:00.123456Z","source":{"component":"edgescaler"}}
        """;

    private const string Lease = """
        {"metadata":{"name":"edgescaler","namespace":"kube-system","resourceVersion":"7"},
         "spec":{"holderIdentity":"pi-1","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00.000000Z",
                 "renewTime":"2026-01-01T00:00:10.500000Z","leaseTransitions":3}}
        """;

    [Fact]
    public void An_HPA_round_trips_to_the_same_JSON_as_KubernetesJson() => AssertSameAsKubernetesJson<V2HorizontalPodAutoscaler>(Hpa);

    [Fact]
    public void A_pod_with_quantities_and_named_ports_round_trips_to_the_same_JSON_as_KubernetesJson() => AssertSameAsKubernetesJson<V1Pod>(Pod);

    [Fact]
    public void An_event_with_a_micro_time_round_trips_to_the_same_JSON_as_KubernetesJson() => AssertSameAsKubernetesJson<Corev1Event>(Event);

    [Fact]
    public void A_lease_with_micro_times_round_trips_to_the_same_JSON_as_KubernetesJson() => AssertSameAsKubernetesJson<V1Lease>(Lease);

    [Fact]
    public void Values_read_through_our_context_are_the_typed_values()
    {
        var hpa = KubeJson.Deserialize<V2HorizontalPodAutoscaler>(Hpa);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc), hpa.Status.LastScaleTime!.Value.ToUniversalTime());
        Assert.Equal(1.5m, hpa.Spec.Metrics[1].Pods.Target.AverageValue.ToDecimal());
        var pod = KubeJson.Deserialize<V1Pod>(Pod);
        Assert.Equal("http", pod.Spec.Containers[0].ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal(64L * 1024 * 1024, pod.Spec.Containers[0].Resources.Requests["memory"].ToInt64());
    }

    [Fact]
    public void Clone_is_a_deep_copy()
    {
        var hpa = KubeJson.Deserialize<V2HorizontalPodAutoscaler>(Hpa);
        var copy = KubeJson.Clone(hpa.Status);
        copy.Conditions[0].Reason = "changed";
        Assert.Equal("SucceededRescale", hpa.Status.Conditions[0].Reason);
        Assert.Equal(KubeJson.Serialize(hpa.Status), KubeJson.Serialize(KubeJson.Clone(hpa.Status)));
    }

    [Fact]
    public void A_model_missing_from_the_context_fails_with_a_message_that_names_the_fix()
    {
        var e = Assert.Throws<NotSupportedException>(() => KubeJson.Serialize(new V1Namespace()));
        Assert.Contains("[JsonSerializable(typeof(V1Namespace))]", e.Message);
    }

    [Fact]
    public void Malformed_JSON_is_a_JsonException_like_KubernetesJson_gives()
    {
        Assert.ThrowsAny<JsonException>(() => KubeJson.Deserialize<V1Pod>("""{"metadata":{"name":3}}"""));
        Assert.ThrowsAny<JsonException>(() => KubernetesJson.Deserialize<V1Pod>("""{"metadata":{"name":3}}"""));
    }

    private static void AssertSameAsKubernetesJson<T>(string json)
    {
        var ours = KubeJson.Deserialize<T>(json);
        var theirs = KubernetesJson.Deserialize<T>(json);
        var oursOut = KubeJson.Serialize(ours);
        Assert.Equal(KubernetesJson.Serialize(theirs), oursOut);
        Assert.Equal(oursOut, KubeJson.Serialize(KubeJson.Deserialize<T>(oursOut)));
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Equal(oursOut, KubeJson.Serialize(KubeJson.Deserialize<T>(stream)));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(oursOut, KubeJson.Serialize(KubeJson.Deserialize<T>(doc.RootElement)));
    }
}
