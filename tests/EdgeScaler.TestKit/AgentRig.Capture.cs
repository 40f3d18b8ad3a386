namespace EdgeScaler.TestKit;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

/// <summary>The rig's real outside parts: the agent's MQTT settings, and kubectl capturing an explain bundle.</summary>
public sealed partial class AgentRig
{
    /// <summary>The agent's MQTT config for a real broker (<see cref="MosquittoBroker"/>).</summary>
    public JsonObject MqttConfig(MosquittoBroker broker, string interval = "1s") => new()
    {
        ["brokerUri"] = broker.Uri, ["interval"] = interval, ["journalPath"] = Path.Combine(Dir, "mqtt"),
    };

    /// <summary>The payload of the last message on <paramref name="topic"/> that contains <paramref name="contains"/>.</summary>
    public static string? LastPayload(MosquittoSub sub, string topic, string contains = "") =>
        sub.Messages.LastOrDefault(m => m.Topic == topic && m.Payload.Contains(contains, StringComparison.Ordinal))?.Payload;

    /// <summary>
    /// An explain bundle's "nodes" entry from the agent's MQTT node state (edgescaler/CLUSTER/NODE/state): the thermal
    /// state the agent published is the one its controller used (no kubectl object carries it).
    /// </summary>
    public static JsonObject NodeFromMqttState(string payload)
    {
        var state = JsonNode.Parse(payload)!;
        return new JsonObject
        {
            ["name"] = (string?)state["node"],
            ["temperatureCelsius"] = state["temp_c"]?.DeepClone(),
            ["state"] = (string?)state["thermal"],
            ["throttled"] = state["throttled"]?.GetValue<bool>() ?? false,
        };
    }

    /// <summary>
    /// `kubectl get --raw PATH` against the stand-in (the stand-in serves no discovery documents, so `get hpa -o json`
    /// would not resolve; --raw prints the same object).
    /// </summary>
    public JsonNode KubectlGetRaw(string path) => Kubectl("--kubeconfig", KubeconfigPath, "get", "--raw", path);

    /// <summary>`kubectl get --raw PATH` against the agent's own metrics.k8s.io server (the aggregated API's backend).</summary>
    public static JsonNode KubectlGetRawFromMetricsApi(Uri metricsApi, string path) =>
        Kubectl("--server", metricsApi.ToString().TrimEnd('/'), "--insecure-skip-tls-verify", "--token=x", "get", "--raw", path);

    /// <summary>The real kubectl; throws with its stderr when it fails.</summary>
    public static JsonNode Kubectl(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException("kubectl hung: " + string.Join(' ', args)); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"kubectl {string.Join(' ', args)}: {stderr.Result}");
        return JsonNode.Parse(stdout.Result)!;
    }

    /// <summary>The kubectl commands of docs/explain.md, for shop/web (paths as `get --raw` takes them).</summary>
    public static class BundlePaths
    {
        public const string Hpa = "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/web";
        public const string Scale = "/apis/apps/v1/namespaces/shop/deployments/web/scale";
        public const string Pods = "/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb";
        public const string PodMetrics = "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb";
        public const string HistoryConfigMap = "/api/v1/namespaces/kube-system/configmaps/edgescaler-hpa-history";
    }

    /// <summary>
    /// An explain bundle as docs/explain.md captures it: hpa, scale, pods and podMetrics with the real kubectl, and
    /// optionally the history ConfigMap the agent persisted; <c>now</c> is the capture time (the next whole second
    /// after the last read), so re-running explain on the bundle is deterministic.
    /// </summary>
    public JsonObject CaptureBundle(Uri metricsApi, bool withHistory = false)
    {
        var bundle = new JsonObject
        {
            ["now"] = "",
            ["hpa"] = KubectlGetRaw(BundlePaths.Hpa),
            ["scale"] = KubectlGetRaw(BundlePaths.Scale),
            ["pods"] = KubectlGetRaw(BundlePaths.Pods),
            ["podMetrics"] = KubectlGetRawFromMetricsApi(metricsApi, BundlePaths.PodMetrics),
        };
        if (withHistory) bundle["historyConfigMap"] = KubectlGetRaw(BundlePaths.HistoryConfigMap);
        var now = DateTimeOffset.UtcNow;
        bundle["now"] = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1)
            .ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return bundle;
    }
}
