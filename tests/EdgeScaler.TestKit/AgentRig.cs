namespace EdgeScaler.TestKit;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

/// <summary>The cluster an <see cref="AgentRig"/> seeds: one Deployment shop/web with its HPA on node pi-a.</summary>
public sealed class AgentRigOptions
{
    public int Replicas { get; set; } = 1;
    public int MinReplicas { get; set; } = 1;
    public int MaxReplicas { get; set; } = 3;
    public int TargetCpuUtilization { get; set; } = 50;
    /// <summary>Stand in for the Deployment's ReplicaSet controller: pods appear and go as the Deployment's replicas change.</summary>
    public bool PodsFollowReplicas { get; set; }
}

/// <summary>
/// Everything around a real `edgescaler run` except the process itself: a copy of the rpi-4b fixture tree (pod cgroup
/// slices whose CPU counters <see cref="BurnCpu"/> advances, the thermal zone <see cref="SetTemperature"/> writes),
/// the Kubernetes API stand-in seeded with a node, the pods, a Deployment and an autoscaling/v2 HPA, the agent's
/// config file, and bundle capture with the real kubectl as docs/explain.md says.
/// Shared by the run tests and the explain bundle capture tool, so the captured bundles come from the tested setup.
/// </summary>
public sealed partial class AgentRig : IAsyncDisposable
{
    public const string Node = "pi-a";
    public const string Namespace = "shop";
    public const string Name = "web";
    /// <summary>A guaranteed pod with two containers in the rpi-4b fixture; more pods are copies of its slice.</summary>
    public const string TemplatePodUid = "74f449ef-7500-638f-dfcb-7fd8adb7b184";

    private readonly AgentRigOptions _options;
    private readonly List<RigPod> _pods = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _follower = Task.CompletedTask;
    private double _coresPerContainer; // read by the burn loop, written by BurnCpu: Volatile on both sides

    private AgentRig(string fixtureTree, AgentRigOptions options, KubeApiStandIn api)
    {
        _options = options;
        Api = api;
        Dir = Directory.CreateTempSubdirectory("es-agent-rig-").FullName;
        HostRoot = Path.Combine(Dir, "host");
        CopyTree(fixtureTree, HostRoot);
        File.WriteAllText(Path.Combine(HostRoot, "sys/devices/platform/soc/soc:firmware/get_throttled"), "0\n");
        KubeconfigPath = api.WriteKubeconfig(Path.Combine(Dir, "kubeconfig"));
    }

    public KubeApiStandIn Api { get; }
    public string Dir { get; }
    public string HostRoot { get; }
    public string KubeconfigPath { get; }

    /// <summary>Extra log output to add to a timeout message (an in-process agent's log, say).</summary>
    public Func<string> ExtraOutput { get; set; } = () => "";

    public static async Task<AgentRig> StartAsync(string fixtureTree, AgentRigOptions? options = null)
    {
        var api = await KubeApiStandIn.StartAsync();
        var rig = new AgentRig(fixtureTree, options ?? new AgentRigOptions(), api);
        rig.SeedCluster();
        if (rig._options.PodsFollowReplicas) rig._follower = rig.FollowReplicasAsync(rig._stop.Token);
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _follower;
        if (_burner is not null) await _burner;
        await Api.DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }

    // ---- the agent's side ------------------------------------------------------------------------------------

    /// <summary>`edgescaler run` arguments for this rig (writes the config file).</summary>
    public string[] RunArguments(JsonObject? mqtt = null) => ["run", "--config", WriteConfig(mqtt)];

    public static IDictionary<string, string> AgentEnvironment => new Dictionary<string, string> { ["NODE_NAME"] = Node };

    public string WriteConfig(JsonObject? mqtt = null, JsonObject? panel = null)
    {
        var config = Path.Combine(Dir, "edgescaler.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new JsonObject
        {
            ["node"] = new JsonObject { ["hostRoot"] = HostRoot, ["interval"] = "500ms" },
            ["kubernetes"] = new JsonObject { ["kubeconfig"] = KubeconfigPath },
            ["scaler"] = new JsonObject { ["syncPeriod"] = "1s", ["stateDirectory"] = Path.Combine(Dir, "state") },
            ["metricsApi"] = new JsonObject
            {
                ["listenAddress"] = "127.0.0.1", ["port"] = 0, ["allowAnonymous"] = true, ["certDirectory"] = Path.Combine(Dir, "tls"),
            },
            ["mqtt"] = mqtt ?? new JsonObject(),
            ["panel"] = panel ?? new JsonObject(),
        }));
        return config;
    }

    /// <summary>The agent's metrics.k8s.io address from its "served at" log line.</summary>
    public static async Task<Uri> MetricsAddressAsync(Func<string> agentOutput, Func<bool> agentExited, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ServedAt().Match(agentOutput()) is { Success: true } m) return new Uri(m.Groups[1].Value);
            if (agentExited()) throw new InvalidOperationException("agent exited:\n" + agentOutput());
            await Task.Delay(100);
        }
        throw new TimeoutException("no 'metrics.k8s.io served at' line:\n" + agentOutput());
    }

    [GeneratedRegex(@"metrics\.k8s\.io served at (https://\S+)")]
    private static partial Regex ServedAt();

    // ---- the node ----------------------------------------------------------------------------------------------

    public void SetTemperature(double celsius) =>
        AtomicWrite(Path.Combine(HostRoot, "sys/class/thermal/thermal_zone0/temp"), string.Create(CultureInfo.InvariantCulture, $"{(int)(celsius * 1000)}\n"));

    /// <summary>
    /// From now on, advances every pod's container (and pod) cgroup CPU counters as if each container used that many
    /// cores; a later call changes the rate, and pods added later burn at the rate in force. Disposing the handle
    /// stops the burn (rate 0); the rig's own loop ends with the rig.
    /// </summary>
    public IDisposable BurnCpu(double coresPerContainer)
    {
        Volatile.Write(ref _coresPerContainer, coresPerContainer);
        lock (_pods) _burner ??= Task.Run(BurnLoopAsync);
        return new Stopper(() => Volatile.Write(ref _coresPerContainer, 0));
    }

    private Task? _burner;

    private async Task BurnLoopAsync()
    {
        var last = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try { await Task.Delay(100, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            var now = Stopwatch.GetTimestamp();
            var usec = (long)(Stopwatch.GetElapsedTime(last, now).TotalMicroseconds * Volatile.Read(ref _coresPerContainer));
            last = now;
            RigPod[] pods;
            lock (_pods) pods = [.. _pods];
            foreach (var pod in pods)
            {
                try
                {
                    foreach (var scope in pod.Scopes) AddUsage(Path.Combine(scope, "cpu.stat"), usec);
                    AddUsage(Path.Combine(pod.Slice, "cpu.stat"), usec * pod.Scopes.Count);
                }
                catch (IOException) { } // the pod went away under us (DirectoryNotFoundException is an IOException)
            }
        }
    }

    private static void AddUsage(string cpuStat, long usec)
    {
        if (usec <= 0 || !File.Exists(cpuStat)) return;
        var text = File.ReadAllText(cpuStat);
        var used = long.Parse(UsageLine().Match(text).Value.Split(' ')[1], CultureInfo.InvariantCulture);
        AtomicWrite(cpuStat, UsageLine().Replace(text, string.Create(CultureInfo.InvariantCulture, $"usage_usec {used + usec}"), 1));
    }

    [GeneratedRegex(@"usage_usec \d+")]
    private static partial Regex UsageLine();

    // ---- the cluster -------------------------------------------------------------------------------------------

    public int Replicas() => Api.Get("apps/v1", "deployments", Namespace, Name)!["spec"]!["replicas"]!.GetValue<int>();

    public JsonObject Hpa() => Api.Get("autoscaling/v2", "horizontalpodautoscalers", Namespace, Name)!;

    public int? Utilization() =>
        Hpa()["status"]?["currentMetrics"]?[0]?["resource"]?["current"]?["averageUtilization"]?.GetValue<int>();

    public IReadOnlyList<string> PodNames() { lock (_pods) return _pods.Select(p => p.Name).ToArray(); }

    public string ApiLog() => string.Join('\n', Api.Requests.DistinctBy(r => r.ToString()).Take(60));

    private void SeedCluster()
    {
        Api.Seed("v1", "nodes", new JsonObject { ["metadata"] = new JsonObject { ["name"] = Node, ["labels"] = new JsonObject { ["kubernetes.io/arch"] = "arm64" } } });
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        for (var i = 0; i < _options.Replicas; i++) AddPod(started);
        Api.Seed("apps/v1", "deployments", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject { ["replicas"] = _options.Replicas, ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = Name } } },
        });
        Api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace, ["uid"] = "0b6a1c55-3f0e-4d59-9a43-5c1f7e2d9a10" },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = Name },
                ["minReplicas"] = _options.MinReplicas,
                ["maxReplicas"] = _options.MaxReplicas,
                ["metrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject
                    {
                        ["name"] = "cpu",
                        ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = _options.TargetCpuUtilization },
                    },
                }),
            },
        });
    }

    /// <summary>
    /// Pod web-N: web-0 is the fixture's guaranteed pod; others get a copy of its cgroup slice under a new uid and new
    /// container ids (deterministic, so re-captured bundles differ only in measured values and times).
    /// </summary>
    private void AddPod(DateTimeOffset started)
    {
        int index;
        lock (_pods) index = _pods.Count;
        var kubepods = Path.Combine(HostRoot, "sys/fs/cgroup/kubepods.slice");
        var template = Path.Combine(kubepods, $"kubepods-pod{TemplatePodUid.Replace('-', '_')}.slice");
        var uid = index == 0 ? TemplatePodUid : string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{index:D12}");
        var slice = Path.Combine(kubepods, $"kubepods-pod{uid.Replace('-', '_')}.slice");
        if (index > 0)
        {
            var staging = Path.Combine(Dir, $"pod-{index}");
            CopyTree(template, staging);
            var n = 0;
            foreach (var scope in Directory.GetDirectories(staging, "cri-containerd-*.scope").Order(StringComparer.Ordinal))
                Directory.Move(scope, Path.Combine(staging, string.Create(CultureInfo.InvariantCulture, $"cri-containerd-{index:x2}{n++:x2}{new string('0', 60)}.scope")));
            Directory.Move(staging, slice); // appears whole: the agent never sees a half-copied slice
        }
        var scopes = Directory.GetDirectories(slice, "cri-containerd-*.scope").Order(StringComparer.Ordinal).ToArray();
        if (scopes.Length != 2) throw new InvalidOperationException($"expected two container scopes in {slice}");
        var name = $"{Name}-{index}";
        var at = started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        JsonObject Container(string c) => new() { ["name"] = c, ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m" } } };
        JsonObject Status(string c, string scope) => new()
        {
            ["name"] = c,
            ["ready"] = true,
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = at } },
            ["containerID"] = "containerd://" + Path.GetFileName(scope)["cri-containerd-".Length..^".scope".Length],
        };
        Api.Seed("v1", "pods", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["uid"] = uid, ["labels"] = new JsonObject { ["app"] = Name } },
            ["spec"] = new JsonObject { ["nodeName"] = Node, ["containers"] = new JsonArray(Container("app"), Container("sidecar")) },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["startTime"] = at,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = at }),
                ["containerStatuses"] = new JsonArray(Status("app", scopes[0]), Status("sidecar", scopes[1])),
            },
        });
        lock (_pods) _pods.Add(new RigPod(name, slice, scopes));
    }

    /// <summary>Adds the newest pods / removes the newest ones until the pods match the Deployment's replicas.</summary>
    private async Task FollowReplicasAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(200, ct); } catch (OperationCanceledException) { return; }
            var want = Replicas();
            while (PodNames().Count < want) AddPod(DateTimeOffset.UtcNow);
            while (PodNames().Count > want && PodNames().Count > 1)
            {
                RigPod last;
                lock (_pods) { last = _pods[^1]; _pods.RemoveAt(_pods.Count - 1); }
                Api.Remove("v1", "pods", Namespace, last.Name);
                Directory.Delete(last.Slice, recursive: true);
            }
        }
    }

    private sealed record RigPod(string Name, string Slice, IReadOnlyList<string> Scopes);

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>Waits for <paramref name="condition"/>; the timeout message carries the agent's output and the API log.</summary>
    public async Task WaitUntil(Func<bool> condition, string what, Func<string>? agentOutput = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"timed out waiting until {what}\n{agentOutput?.Invoke()}{ExtraOutput()}\nHPA: {Hpa()["status"]}\nAPI requests:\n{ApiLog()}");
    }

    public static void AtomicWrite(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    private static void CopyTree(string from, string to)
    {
        using var cp = Process.Start("cp", ["-a", from, to])!;
        cp.WaitForExit();
        if (cp.ExitCode != 0) throw new InvalidOperationException($"cp -a {from} {to} failed ({cp.ExitCode})");
    }

    /// <summary>Something to undo, once.</summary>
    public sealed class Stopper(Action stop) : IDisposable
    {
        private Action? _stop = stop;
        public void Dispose() => Interlocked.Exchange(ref _stop, null)?.Invoke();
    }
}
