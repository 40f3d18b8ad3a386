namespace EdgeScaler.ExplainCapture;

using System.Text.Json.Nodes;
using EdgeScaler.Host.Tests;
using EdgeScaler.TestKit;

/// <summary>
/// One running agent per scenario, driven into a state worth explaining, then captured. Each returns the bundle and
/// the controller's own answer (the HPA's status.desiredReplicas, unchanged across the capture). The bundle's "nodes"
/// entry is the agent's last MQTT node state (what its controller's thermal policy used).
/// Every pod has two containers requesting 100m each (200m per pod); the HPA targets 50 % CPU and has no behavior
/// (the legacy path: 5-minute downscale window, max(2×, 4) scale-up limit).
/// </summary>
internal static class Scenarios
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string NodeTopic = $"edgescaler/default/{AgentRig.Node}/state";

    public static readonly Dictionary<string, Func<Task<(JsonObject Bundle, int ControllerDesired)>>> All = new()
    {
        ["cool-at-max"] = CoolAtMaxAsync,
        ["hot-hold"] = HotHoldAsync,
        ["override"] = OverrideAsync,
        ["scale-down-window"] = ScaleDownWindowAsync,
    };

    public static readonly Dictionary<string, string> Descriptions = new()
    {
        ["cool-at-max"] = "cool node (48 °C), 3 pods at ~200 % CPU, HPA already at maxReplicas 3",
        ["hot-hold"] = "hot node (82 °C), 2 pods at ~200 % CPU: the HPA wants more, the hold policy keeps 2",
        ["override"] = "cool node, 4 pods at ~40 % CPU, then `edgescaler override shop/web --replicas 2 --for 30m`: pinned at 2 while the HPA wants 4",
        ["scale-down-window"] = "cool node, 3 pods at ~40 % CPU, then ~5 %: the HPA wants 1, the 5-minute window (history from the agent's ConfigMap) holds 3",
    };

    /// <summary>(a) The HPA would go far above maxReplicas; it stays there (ScalingLimited TooManyReplicas).</summary>
    private static Task<(JsonObject, int)> CoolAtMaxAsync() =>
        RunAsync(new AgentRigOptions { Replicas = 3, MinReplicas = 1, MaxReplicas = 3 }, 48.0, async s =>
        {
            s.Rig.BurnCpu(0.2); // 400m of 200m per pod: ~200 % of a 50 % target
            await s.WaitUntil(() => s.PodMetricsCount() == 3 && s.Rig.Utilization() > 100 && s.StatusDesired() == 3, "3 pods measured, status at 3");
            await Task.Delay(TimeSpan.FromSeconds(3));
            return () => s.Rig.CaptureBundle(s.MetricsApi, withHistory: true);
        });

    /// <summary>(b) The HPA wants to scale up; a hot hosting node and the default hold policy keep the count.</summary>
    private static Task<(JsonObject, int)> HotHoldAsync() =>
        RunAsync(new AgentRigOptions { Replicas = 2, MinReplicas = 1, MaxReplicas = 6 }, 82.0, async s =>
        {
            s.Rig.BurnCpu(0.2);
            await s.WaitUntil(() => s.PodMetricsCount() == 2 && s.Rig.Utilization() > 100
                && AgentRig.LastPayload(s.Mqtt, NodeTopic, "\"thermal\":\"hot\"") is not null
                && AgentRig.LastPayload(s.Mqtt, "edgescaler/default/scaler/shop/web/state", "\"mode\":\"thermal-hold\"") is not null,
                "2 pods measured, node state hot, HPA state thermal-hold");
            await Task.Delay(TimeSpan.FromSeconds(3));
            return () => s.Rig.CaptureBundle(s.MetricsApi, withHistory: true);
        });

    /// <summary>
    /// (c) An override written by the real `edgescaler override` (HPA annotations) pins the Deployment below what the
    /// HPA wants; the rig's ReplicaSet stand-in removes the extra pods.
    /// </summary>
    private static Task<(JsonObject, int)> OverrideAsync() =>
        RunAsync(new AgentRigOptions { Replicas = 4, MinReplicas = 1, MaxReplicas = 5, PodsFollowReplicas = true }, 48.0, async s =>
        {
            s.Rig.BurnCpu(0.04); // ~40 %: 4 × 0.8 → 4, the count the window remembers
            await s.WaitUntil(() => s.PodMetricsCount() == 4 && s.Rig.Utilization() is not null && s.StatusDesired() == 4, "4 pods measured");
            await Task.Delay(TimeSpan.FromSeconds(3));
            using (var cli = new EdgescalerProcess(["override", "shop/web", "--replicas", "2", "--for", "30m", "--kubeconfig", s.Rig.KubeconfigPath]))
            {
                var code = await Task.Run(() => cli.WaitForExit(TimeSpan.FromSeconds(60)));
                if (code != 0) throw new InvalidOperationException($"edgescaler override exited {code}:\n{cli.Output}");
            }
            await s.WaitUntil(() => s.Rig.Replicas() == 2 && s.PodMetricsCount() == 2 && s.StatusDesired() == 2, "pinned at 2, 2 pods measured");
            await Task.Delay(TimeSpan.FromSeconds(3));
            return () => s.Rig.CaptureBundle(s.MetricsApi, withHistory: true);
        });

    /// <summary>(d) Load falls; the legacy downscale window, carried in the agent's history ConfigMap, holds the count.</summary>
    private static Task<(JsonObject, int)> ScaleDownWindowAsync() =>
        RunAsync(new AgentRigOptions { Replicas = 3, MinReplicas = 1, MaxReplicas = 3 }, 48.0, async s =>
        {
            s.Rig.BurnCpu(0.04); // ~40 %: 3 × 0.8 → 3, the count the window will remember
            await s.WaitUntil(() => s.PodMetricsCount() == 3 && s.Rig.Utilization() is > 25 and < 55 && s.StatusDesired() == 3, "3 pods measured at ~40 %");
            await Task.Delay(TimeSpan.FromSeconds(6));
            s.Rig.BurnCpu(0.005); // ~5 %: 3 × 0.1 → 1
            await s.WaitUntil(() => s.Rig.Utilization() < 20, "utilization fell");
            await Task.Delay(TimeSpan.FromSeconds(4));
            if (s.StatusDesired() != 3) throw new InvalidOperationException($"expected the window to hold 3, status says {s.StatusDesired()}");
            return () => s.Rig.CaptureBundle(s.MetricsApi, withHistory: true);
        });

    /// <summary>
    /// Starts the rig and the agent, drives the scenario, and captures until the controller's answer is the same
    /// before and after the capture (a bundle caught mid-change would compare against the wrong answer).
    /// </summary>
    private static async Task<(JsonObject, int)> RunAsync(AgentRigOptions options, double celsius, Func<Session, Task<Func<JsonObject>>> drive)
    {
        await using var rig = await AgentRig.StartAsync(RepoPaths.Of("boards/rpi-4b/fixture"), options);
        rig.SetTemperature(celsius);
        await using var broker = await MosquittoBroker.StartAsync(); // the node's thermal state: no kubectl object has it
        await using var lines = await MosquittoSub.StartAsync(broker, "edgescaler/#");
        using var agent = new EdgescalerProcess(rig.RunArguments(rig.MqttConfig(broker)), AgentRig.AgentEnvironment);
        var metricsApi = await AgentRig.MetricsAddressAsync(() => agent.Output, () => agent.WaitForExit(TimeSpan.Zero) is not null, Timeout);
        var session = new Session(rig, agent, metricsApi, lines);
        var capture = await drive(session);
        await session.WaitUntil(() => AgentRig.LastPayload(lines, NodeTopic) is not null, "the agent's MQTT node state");
        for (var attempt = 1; ; attempt++)
        {
            var before = session.StatusDesired();
            var bundle = capture();
            bundle["nodes"] = new JsonArray(AgentRig.NodeFromMqttState(AgentRig.LastPayload(lines, NodeTopic)!));
            var after = session.StatusDesired();
            if (before == after && after is { } desired)
            {
                Console.WriteLine($"controller's last MQTT decision: {AgentRig.LastPayload(lines, "edgescaler/default/scaler/shop/web/state")}");
                return (bundle, desired);
            }
            if (attempt == 3) throw new InvalidOperationException($"the controller kept changing its answer ({before} → {after})");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    internal sealed record Session(AgentRig Rig, EdgescalerProcess Agent, Uri MetricsApi, MosquittoSub Mqtt)
    {
        public int? StatusDesired() => Rig.Hpa()["status"]?["desiredReplicas"]?.GetValue<int>();

        public int PodMetricsCount()
        {
            try { return AgentRig.KubectlGetRawFromMetricsApi(MetricsApi, AgentRig.BundlePaths.PodMetrics)["items"]!.AsArray().Count; }
            catch (InvalidOperationException) { return -1; }
        }

        public Task WaitUntil(Func<bool> condition, string what) => Rig.WaitUntil(condition, what, () => Agent.Output, Timeout);
    }
}
