namespace EdgeScaler.Host.Tests;

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
public sealed partial class RunAgentStandInTests : IAsyncLifetime
{
    private const string Node = "pi-a";
    private const string PodUid = "74f449ef-7500-638f-dfcb-7fd8adb7b184"; // a guaranteed pod with two containers in the fixture
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("es-run-agent-").FullName;
    private KubeApiStandIn _api = null!;
    private Func<string> _extraOutput = () => "";
    private string _hostRoot = "";
    private string _podSlice = "";
    private string[] _containerScopes = [];

    public async Task InitializeAsync()
    {
        _api = await KubeApiStandIn.StartAsync();
        _hostRoot = Path.Combine(_dir, "host");
        CopyTree(RepoPaths.Of("boards/rpi-4b/fixture"), _hostRoot);
        _podSlice = Path.Combine(_hostRoot, "sys/fs/cgroup/kubepods.slice", $"kubepods-pod{PodUid.Replace('-', '_')}.slice");
        _containerScopes = Directory.GetDirectories(_podSlice, "cri-containerd-*.scope").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, _containerScopes.Length);
        File.WriteAllText(Path.Combine(_hostRoot, "sys/devices/platform/soc/soc:firmware/get_throttled"), "0\n");
        SeedCluster();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

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
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        var bundle = new JsonObject
        {
            ["hpa"] = Kubectl("--kubeconfig", kubeconfig, "get", "--raw", "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/web"),
            ["scale"] = Kubectl("--kubeconfig", kubeconfig, "get", "--raw", "/apis/apps/v1/namespaces/shop/deployments/web/scale"),
            ["pods"] = Kubectl("--kubeconfig", kubeconfig, "get", "--raw", "/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"),
            ["podMetrics"] = Kubectl("--server", metricsApi.ToString().TrimEnd('/'), "--insecure-skip-tls-verify", "--token=x",
                "get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb"),
        };
        var file = Path.Combine(_dir, "bundle.json");
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

    private static JsonNode Kubectl(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "kubectl hung: " + string.Join(' ', args));
        Assert.True(p.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {stderr.Result}");
        return JsonNode.Parse(stdout.Result)!;
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
        using var agent = StartAgent(mqtt: new JsonObject { ["brokerUri"] = broker.Uri, ["interval"] = "1s", ["journalPath"] = Path.Combine(_dir, "mqtt") });
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

        var config = Configuration.ConfigLoader.Load(WriteConfig(
            new JsonObject { ["brokerUri"] = broker.Uri, ["journalPath"] = Path.Combine(_dir, "mqtt") },
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
        _extraOutput = () => string.Join('\n', log.Lines.Select(l => $"{l.Level}: {l.Message}"));
        try
        {
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

    private EdgescalerProcess StartAgent(JsonObject? mqtt = null) =>
        new(["run", "--config", WriteConfig(mqtt)], new Dictionary<string, string> { ["NODE_NAME"] = Node });

    private string WriteConfig(JsonObject? mqtt = null, JsonObject? panel = null)
    {
        var kubeconfig = _api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        var config = Path.Combine(_dir, "edgescaler.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new JsonObject
        {
            ["node"] = new JsonObject { ["hostRoot"] = _hostRoot, ["interval"] = "500ms" },
            ["kubernetes"] = new JsonObject { ["kubeconfig"] = kubeconfig },
            ["scaler"] = new JsonObject { ["syncPeriod"] = "1s", ["stateDirectory"] = Path.Combine(_dir, "state") },
            ["metricsApi"] = new JsonObject
            {
                ["listenAddress"] = "127.0.0.1", ["port"] = 0, ["allowAnonymous"] = true, ["certDirectory"] = Path.Combine(_dir, "tls"),
            },
            ["mqtt"] = mqtt ?? new JsonObject(),
            ["panel"] = panel ?? new JsonObject(),
        }));
        return config;
    }

    private void SeedCluster()
    {
        _api.Seed("v1", "nodes", new JsonObject { ["metadata"] = new JsonObject { ["name"] = Node, ["labels"] = new JsonObject { ["kubernetes.io/arch"] = "arm64" } } });
        var started = DateTime.UtcNow.AddMinutes(-10).ToString("yyyy-MM-ddTHH:mm:ssZ");
        JsonObject Container(string name) => new()
        {
            ["name"] = name,
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m" } },
        };
        JsonObject Status(string name, string scope) => new()
        {
            ["name"] = name,
            ["ready"] = true,
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = started } },
            ["containerID"] = "containerd://" + Path.GetFileName(scope)["cri-containerd-".Length..^".scope".Length],
        };
        _api.Seed("v1", "pods", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web-0", ["namespace"] = "shop", ["uid"] = PodUid, ["labels"] = new JsonObject { ["app"] = "web" } },
            ["spec"] = new JsonObject { ["nodeName"] = Node, ["containers"] = new JsonArray(Container("app"), Container("sidecar")) },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["startTime"] = started,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = started }),
                ["containerStatuses"] = new JsonArray(Status("app", _containerScopes[0]), Status("sidecar", _containerScopes[1])),
            },
        });
        _api.Seed("apps/v1", "deployments", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "shop" },
            ["spec"] = new JsonObject { ["replicas"] = 1, ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } } },
        });
        _api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "shop" },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "web" },
                ["minReplicas"] = 1,
                ["maxReplicas"] = 3,
                ["metrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 50 } },
                }),
            },
        });
    }

    private int Replicas() => _api.Get("apps/v1", "deployments", "shop", "web")!["spec"]!["replicas"]!.GetValue<int>();

    private JsonObject Hpa() => _api.Get("autoscaling/v2", "horizontalpodautoscalers", "shop", "web")!;

    private int? Utilization() =>
        Hpa()["status"]?["currentMetrics"]?[0]?["resource"]?["current"]?["averageUtilization"]?.GetValue<int>();

    private void SetTemperature(double celsius) =>
        AtomicWrite(Path.Combine(_hostRoot, "sys/class/thermal/thermal_zone0/temp"), $"{(int)(celsius * 1000)}\n");

    /// <summary>Advances both containers' (and the pod's) cgroup CPU counters as if each used that many cores.</summary>
    private IDisposable BurnCpu(double coresPerContainer)
    {
        var stop = new CancellationTokenSource();
        var files = _containerScopes.Append(_podSlice).Select(d => Path.Combine(d, "cpu.stat")).ToArray();
        var start = files.ToDictionary(f => f, UsageUsec);
        var clock = Stopwatch.StartNew();
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var usedUsec = (long)(clock.Elapsed.TotalMicroseconds * coresPerContainer);
                foreach (var f in files)
                {
                    var containers = f.StartsWith(_podSlice + "/cri", StringComparison.Ordinal) ? 1 : _containerScopes.Length;
                    var text = File.ReadAllText(f);
                    AtomicWrite(f, UsageLine().Replace(text, $"usage_usec {start[f] + usedUsec * containers}", 1));
                }
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        return new Stopper(() => { stop.Cancel(); loop.Wait(); });
    }

    private static long UsageUsec(string cpuStat) => long.Parse(UsageLine().Match(File.ReadAllText(cpuStat)).Value.Split(' ')[1]);

    [GeneratedRegex(@"usage_usec \d+")]
    private static partial Regex UsageLine();

    private static void AtomicWrite(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task<Uri> MetricsAddressAsync(EdgescalerProcess agent)
    {
        var deadline = DateTime.UtcNow + Long;
        while (DateTime.UtcNow < deadline)
        {
            if (Regex.Match(agent.Output, @"metrics\.k8s\.io served at (https://\S+)") is { Success: true } m) return new Uri(m.Groups[1].Value);
            Assert.True(agent.WaitForExit(TimeSpan.FromMilliseconds(100)) is null, "agent exited:\n" + agent.Output);
        }
        throw new Xunit.Sdk.XunitException("no 'metrics.k8s.io served at' line:\n" + agent.Output);
    }

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
        throw new Xunit.Sdk.XunitException($"GET {path}: last answer {last}\n{agent.Output}\nAPI requests:\n{ApiLog()}");
    }

    private async Task WaitUntil(EdgescalerProcess? agent, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Long;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"timed out waiting until {what}\n{agent?.Output}{_extraOutput()}\nHPA: {Hpa()["status"]}\nAPI requests:\n{ApiLog()}");
    }

    private string ApiLog() => string.Join('\n', _api.Requests.DistinctBy(r => r.ToString()).Take(60));

    private static void CopyTree(string from, string to)
    {
        using var cp = Process.Start("cp", ["-a", from, to])!;
        cp.WaitForExit();
        Assert.Equal(0, cp.ExitCode);
    }

    private sealed class Stopper(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
