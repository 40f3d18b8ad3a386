namespace EdgeScaler.Host.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.TestKit;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// `edgescaler run` as a real process, whole: a copy of the rpi-4b fixture tree whose pod cgroup counters the test
/// advances (the pod really "uses" CPU), the Kubernetes API played by the in-process stand-in (pods, a Deployment
/// with /scale, an HPA, leases), and the agent's own metrics API on a loopback port. Proves the pieces are wired:
/// samples → pod identity from the API → the cluster view → metrics.k8s.io and the HPA controller → /scale, with the
/// node's thermal state reaching the policy.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RunAgentStandInTests : IAsyncLifetime
{
    private const string Node = AgentRig.Node;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private AgentRig _rig = null!;

    public async Task InitializeAsync() => _rig = await AgentRig.StartAsync(RepoPaths.Of("boards/rpi-4b/fixture"));

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Cool_node_serves_named_pod_metrics_and_scales_the_deployment_from_in_process_metrics()
    {
        SetTemperature(48.0);
        using var agent = StartAgent();
        using var load = BurnCpu(coresPerContainer: 0.2); // 400m used of 200m requested: 200 % against a 50 % target

        var metricsApi = await MetricsAddressAsync(agent);
        var pods = await GetJsonAsync(agent, metricsApi, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods",
            doc => doc["items"]!.AsArray().Count > 0);
        var pod = pods["items"]![0]!;
        Assert.Equal("web-0", (string?)pod["metadata"]!["name"]);
        Assert.Equal("web", (string?)pod["metadata"]!["labels"]!["app"]);
        Assert.Equal(["app", "sidecar"], pod["containers"]!.AsArray().Select(c => (string)c!["name"]!).Order().ToArray());
        var node = await GetJsonAsync(agent, metricsApi, $"/apis/metrics.k8s.io/v1beta1/nodes/{Node}", _ => true);
        Assert.Matches("^[0-9]+n?$", (string?)node["usage"]!["cpu"]); // the fixture's /proc/stat stands still: often "0"
        Assert.EndsWith("Ki", (string?)node["usage"]!["memory"]);

        // The HPA controller read the same view in-process: 200 % of a 50 % target wants 4 replicas, capped at maxReplicas 3
        // (the cap keeps the count exact however a loaded machine stretches one sampling window).
        await WaitUntil(agent, () => Replicas() == 3, "the Deployment scaled to maxReplicas (3)");
        await WaitUntil(agent, () => Utilization() is not null, "the HPA status shows the CPU utilization");
        Assert.True(Utilization() > 100, $"utilization {Utilization()} %"); // ~200 %, but one 500 ms window on a busy machine can read far off
        Assert.DoesNotContain("FailedGetResourceMetric", agent.Output);
        // One API client for the agent: the Scaler says it uses the agent's connection and builds none of its own.
        var apiLines = agent.Output.Split('\n').Where(l => l.Contains("Kubernetes API", StringComparison.Ordinal) && l.Contains("(from ", StringComparison.Ordinal)).ToList();
        Assert.True(apiLines.Count == 1 && apiLines[0].Contains("the agent's client", StringComparison.Ordinal), string.Join('\n', apiLines));
    }

    [Fact]
    public async Task Explain_on_a_bundle_captured_with_real_kubectl_from_the_running_agent_agrees_with_its_controller()
    {
        SetTemperature(48.0);
        using var agent = StartAgent();
        using var load = BurnCpu(coresPerContainer: 0.2);
        var metricsApi = await MetricsAddressAsync(agent);
        // Stable state: 400 % of a 50 % target on the one pod wants 4, held at maxReplicas 3 however the load wobbles.
        await WaitUntil(agent, () => Replicas() == 3 && Utilization() is not null, "the controller settled at maxReplicas");

        // The bundle, captured as docs/explain.md says (get --raw: the stand-in serves no discovery documents).
        var bundle = _rig.CaptureBundle(metricsApi);
        var file = Path.Combine(_rig.Dir, "bundle.json");
        File.WriteAllText(file, bundle.ToJsonString());

        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, await Cli.CommandLine.RunAsync(["explain", "--input", file, "--json"], output, errors));
        var explained = JsonNode.Parse(output.ToString())!;
        Assert.Equal(3, explained["currentReplicas"]!.GetValue<int>());
        Assert.Equal(Hpa()["status"]!["desiredReplicas"]!.GetValue<int>(), explained["desiredReplicas"]!.GetValue<int>());
        Assert.True(explained["recommendedReplicas"]!.GetValue<int>() >= 3, explained.ToJsonString());
        var metric = explained["metrics"]![0]!;
        Assert.Equal(["web-0"], metric["pods"]!["ready"]!.AsArray().Select(p => (string)p!).ToArray());
        Assert.True(metric["currentAverageUtilization"]!.GetValue<int>() > 100, metric.ToJsonString()); // ~200 %; above 100 % any reading means 3
        Assert.Contains(explained["conditions"]!.AsArray(), c => (string?)c!["type"] == "ScalingLimited" && (string?)c["status"] == "True");
    }

    [Fact]
    public async Task Hot_node_holds_the_scale_up_the_same_load_would_cause()
    {
        SetTemperature(82.0); // rpi-4b: hot from 80 °C, critical from 85 °C
        using var agent = StartAgent();
        using var load = BurnCpu(coresPerContainer: 0.2);

        // The controller saw the metric (status carries it, well above target) and still kept one replica.
        await WaitUntil(agent, () => Utilization() > 100, "the HPA status shows the CPU utilization");
        await Task.Delay(TimeSpan.FromSeconds(3)); // three more sync periods
        Assert.Equal(1, Replicas());
        Assert.Equal(1, Hpa()["status"]!["desiredReplicas"]!.GetValue<int>());
        Assert.DoesNotContain("Scaled Deployment", agent.Output);
    }

    [Fact]
    public async Task Hot_node_publishes_its_thermal_state_and_the_held_decision_to_a_real_mosquitto()
    {
        SetTemperature(82.0);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/#");
        using var agent = StartAgent(mqtt: new JsonObject { ["brokerUri"] = broker.Uri, ["interval"] = "1s", ["journalPath"] = Path.Combine(_rig.Dir, "mqtt") });
        using var load = BurnCpu(coresPerContainer: 0.2);

        string? Payload(string topic, string contains) =>
            sub.Messages.FirstOrDefault(m => m.Topic == topic && m.Payload.Contains(contains, StringComparison.Ordinal))?.Payload;
        await WaitUntil(agent, () => Payload("edgescaler/default/pi-a/state", "\"thermal\":\"hot\"") is not null
                                  && Payload("edgescaler/default/scaler/shop/web/state", "\"mode\":\"thermal-hold\"") is not null,
            "node state says hot and the HPA state says thermal-hold");
        // From the second sample on, node state carries the node's rate from the cluster view.
        await WaitUntil(agent, () => Payload("edgescaler/default/pi-a/state", "\"cpu_m\":") is not null, "node state with the node's CPU");
        var held = JsonNode.Parse(Payload("edgescaler/default/scaler/shop/web/state", "\"mode\":\"thermal-hold\"")!)!;
        Assert.Equal(1, held["desired"]!.GetValue<int>());
        Assert.True(held["recommended"]!.GetValue<int>() > 1, held.ToJsonString());
        Assert.Equal("online", sub.Messages.Where(m => m.Topic == "edgescaler/default/pi-a/availability").Select(m => m.Payload).LastOrDefault());
    }

    [Fact]
    public async Task InProcess_agent_virtual_panel_up_press_pins_replicas_through_the_API_standin_and_reports_it_to_mosquitto()
    {
        SetTemperature(48.0);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/default/events");

        var config = Configuration.ConfigLoader.Load(_rig.WriteConfig(
            new JsonObject { ["brokerUri"] = broker.Uri, ["journalPath"] = Path.Combine(_rig.Dir, "mqtt") },
            new JsonObject { ["enabled"] = true, ["targets"] = new JsonArray("shop/web"), ["debounce"] = "5ms" }));
        Assert.True(config.IsValid, string.Join("; ", config.Problems));
        // The board profile's wiring (rpi-4b: chip "pinctrl-bcm2711", 58 lines; up = line 5) on a virtual chip of that shape.
        var driver = new EdgeScaler.Panel.Virtual.VirtualGpioDriver(58, "pinctrl-bcm2711");
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new() { ApplicationName = "edgescaler", ContentRootPath = "/" });
        Environment.SetEnvironmentVariable("NODE_NAME", Node); // read when the agent's parts are built and started; reset below
        Composition.AgentComposition.AddAgent(builder, config.Config!);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<EdgeScaler.Panel.Hardware.IPanelGpio>(
            builder.Services, new EdgeScaler.Panel.Virtual.VirtualPanelGpio(driver)); // the last registration wins: the virtual chip stands in for /dev/gpiochip*
        var log = new TestLogger();
        builder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(log);
        using var host = builder.Build();
        await host.StartAsync();
        _rig.ExtraOutput = () => string.Join('\n', log.Lines.Select(l => $"{l.Level}: {l.Message}"));
        try
        {
            // One kubeconfig read, one client: the Scaler talks through the cluster view's connection.
            var connection = host.Services.GetRequiredService<Agent.KubernetesConnection>();
            Assert.NotNull(connection.Rest);
            Assert.Same(connection.Rest, host.Services.GetRequiredService<EdgeScaler.Scaler.ScalerRuntime>().Rest);

            // The controller has decided for shop/web (1 replica, cool, no load) and the panel has opened its lines.
            var status = host.Services.GetRequiredService<EdgeScaler.Core.Agent.IAgentStatusSource>();
            await WaitUntil(null, () => status.Current.Decisions.Any(d => d.Hpa.ToString() == "shop/web") && driver.IsOpen(5),
                "the agent status carries a decision for shop/web and the panel is open");
            var wiring = EdgeScaler.Panel.Wiring.PanelWiring.Resolve(config.Config!.Panel,
                EdgeScaler.Panel.Wiring.BoardPanelDefaults.FromJson(EdgeScaler.Node.Boards.BoardCatalog.BuiltIn.Find("rpi-4b")!.Panel, out _), out _)!;
            Assert.True(EdgeScaler.Panel.Virtual.VirtualPanelConsole.TryMapKey('+', out var up));
            await EdgeScaler.Panel.Virtual.VirtualPanelConsole.PerformAsync(driver, wiring, config.Config!.Panel, up, TimeProvider.System);

            // One more than now, pinned on the HPA by the same override path the CLI and MQTT use; the controller follows it.
            await WaitUntil(null, () => (string?)Hpa()["metadata"]?["annotations"]?["edgescaler.io/override-replicas"] == "2", "the override annotation");
            Assert.Equal("panel", (string?)Hpa()["metadata"]!["annotations"]!["edgescaler.io/override-source"]);
            await WaitUntil(null, () => Replicas() == 2, "the Deployment pinned at 2");
            await WaitUntil(null, () => sub.Messages.Any(m => m.Payload.Contains("\"override\"", StringComparison.Ordinal) && m.Payload.Contains("panel", StringComparison.Ordinal)),
                "an override event from the panel on MQTT");
        }
        finally
        {
            await host.StopAsync();
            Environment.SetEnvironmentVariable("NODE_NAME", null);
        }
        Assert.False(driver.IsOpen(17)); // the panel let go of its LED line on stop
    }

    private EdgescalerProcess StartAgent(JsonObject? mqtt = null) => new(_rig.RunArguments(mqtt), AgentRig.AgentEnvironment);

    private int Replicas() => _rig.Replicas();

    private JsonObject Hpa() => _rig.Hpa();

    private int? Utilization() => _rig.Utilization();

    private void SetTemperature(double celsius) => _rig.SetTemperature(celsius);

    private IDisposable BurnCpu(double coresPerContainer) => _rig.BurnCpu(coresPerContainer);

    private static Task<Uri> MetricsAddressAsync(EdgescalerProcess agent) =>
        AgentRig.MetricsAddressAsync(() => agent.Output, () => agent.WaitForExit(TimeSpan.Zero) is not null, Long);

    private async Task<JsonNode> GetJsonAsync(EdgescalerProcess agent, Uri server, string path, Func<JsonNode, bool> done)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var deadline = DateTime.UtcNow + Long;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var res = await http.GetAsync(new Uri(server, path));
            last = $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}";
            if (res.IsSuccessStatusCode && JsonNode.Parse(await res.Content.ReadAsStringAsync()) is { } doc && done(doc)) return doc;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"GET {path}: last answer {last}\n{agent.Output}\nAPI requests:\n{_rig.ApiLog()}");
    }

    private Task WaitUntil(EdgescalerProcess? agent, Func<bool> condition, string what) =>
        _rig.WaitUntil(condition, what, agent is null ? null : () => agent.Output, Long);
}
