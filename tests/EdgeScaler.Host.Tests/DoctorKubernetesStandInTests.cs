namespace EdgeScaler.Host.Tests;

using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Doctor;
using EdgeScaler.Kubernetes;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.Scaler;
using EdgeScaler.TestKit;

/// <summary>
/// `doctor`'s Kubernetes checks against the API stand-in: a healthy cluster, then each problem planted — API away,
/// slow or refusing the credentials, RBAC missing, k3s's metrics-server owning metrics.k8s.io, the built-in HPA
/// controller still writing.
/// </summary>
public sealed class DoctorKubernetesStandInTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("es-doctor-kube-");
    private KubeApiStandIn _api = null!;
    private Func<KubeAccessRequest, bool> _allow = _ => true;

    public async Task InitializeAsync()
    {
        _api = await KubeApiStandIn.StartAsync();
        _api.ServeSelfSubjectAccessReviews(r => _allow(r));
        SeedApiService("v1beta1", KubernetesChecks.MetricsServiceName, available: true);
        SeedApiService("v1", KubernetesChecks.MetricsServiceName, available: true);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Delete(true);
    }

    private void SeedApiService(string version, string service, bool available, string reason = "Passed", string ns = "kube-system") =>
        _api.Seed("apiregistration.k8s.io/v1", "apiservices", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"{version}.metrics.k8s.io" },
            ["spec"] = new JsonObject
            {
                ["group"] = "metrics.k8s.io",
                ["version"] = version,
                ["service"] = new JsonObject { ["namespace"] = ns, ["name"] = service, ["port"] = 443 },
            },
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Available",
                    ["status"] = available ? "True" : "False",
                    ["reason"] = reason,
                    ["message"] = available ? "all checks passed" : "failing or missing response from https://10.42.0.9:4443/apis/metrics.k8s.io/v1beta1",
                }),
            },
        });

    /// <summary>An HPA whose status field managers wrote at the given times.</summary>
    private void SeedHpa(string name, params (string Manager, DateTimeOffset At)[] statusWriters)
    {
        var fields = new JsonArray();
        foreach (var (manager, at) in statusWriters)
            fields.Add(new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = "Update",
                ["apiVersion"] = "autoscaling/v2",
                ["time"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = new JsonObject { ["f:status"] = new JsonObject { ["f:currentReplicas"] = new JsonObject() } },
                ["subresource"] = "status",
            });
        _api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["managedFields"] = fields },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = name },
                ["maxReplicas"] = 5,
            },
        });
    }

    private KubernetesOptions Options(string? token = null) => new() { Kubeconfig = _api.WriteKubeconfig(Path.Combine(_dir.FullName, $"kubeconfig-{Guid.NewGuid():N}"), token) };

    private Task<IReadOnlyList<DoctorCheck>> RunAsync(KubernetesOptions? options = null) =>
        KubernetesChecks.RunAsync(options ?? Options(), new ScalerOptions(), Now, default);

    private static DoctorCheck Find(IReadOnlyList<DoctorCheck> checks, string name) => Assert.Single(checks, c => c.Name == name);

    [Fact]
    public async Task StandIn_HealthyCluster_PassesEveryKubernetesCheck()
    {
        SeedHpa("web", ("edgescaler", Now.AddSeconds(-20)), ("kube-controller-manager", Now.AddDays(-3)));
        var checks = await RunAsync();

        Assert.Equal(["kubernetes", "rbac", "apiservice", "hpa-controller"], checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Status == CheckStatus.Pass, c.ToLine()));
        Assert.Contains("v1.31.0+standin", Find(checks, "kubernetes").Message);
        Assert.Contains("v1beta1.metrics.k8s.io and v1.metrics.k8s.io → kube-system/edgescaler", Find(checks, "apiservice").Message);
        // The review asked for what the agent really does, in the right places.
        var asked = _api.AccessReviews;
        Assert.Contains(asked, r => r is { Verb: "patch", Group: "apps", Resource: "deployments", Subresource: "scale" });
        Assert.Contains(asked, r => r is { Verb: "update", Resource: "leases", Namespace: "kube-system", Name: "edgescaler-scaler" });
        Assert.Contains(asked, r => r is { Verb: "get", Resource: "configmaps", Namespace: "kube-system", Name: "extension-apiserver-authentication" });
        Assert.Contains(asked, r => r is { Verb: "create", Group: "authentication.k8s.io", Resource: "tokenreviews" });
        Assert.Equal(KubernetesChecks.Required(new KubernetesOptions(), new ScalerOptions()).Count, asked.Count);
    }

    [Fact]
    public async Task StandIn_ApiAway_FailsTheApiCheck_AndSkipsTheRest()
    {
        var options = Options();
        await _api.GoAwayAsync();
        var checks = await RunAsync(options);
        var api = Find(checks, "kubernetes");
        Assert.Equal(CheckStatus.Fail, api.Status);
        Assert.Contains("unreachable", api.Message);
        Assert.All(checks.Skip(1), c => Assert.Equal((CheckStatus.Warn, "not checked: the Kubernetes API did not answer"), (c.Status, c.Message)));
    }

    [Fact]
    public async Task StandIn_SlowApi_EachCheckGivesUpWithinItsBound()
    {
        using var rest = new KubeRest(_api.CreateClientConfiguration());
        _api.ResponseDelay = TimeSpan.FromSeconds(5);
        var checks = await KubernetesChecks.RunAsync(rest, "test", new KubernetesOptions(), new ScalerOptions(), Now, TimeSpan.FromMilliseconds(300), default);
        var api = Find(checks, "kubernetes");
        Assert.Equal(CheckStatus.Fail, api.Status);
        Assert.Contains("no answer within", api.Message);
        Assert.Equal(4, checks.Count);
    }

    [Fact]
    public async Task StandIn_RejectedCredentials_AndAMissingKubeconfig_FailWithTheirFix()
    {
        await using var locked = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { RequiredBearerToken = "the-real-token" });
        var wrong = new KubernetesOptions { Kubeconfig = locked.WriteKubeconfig(Path.Combine(_dir.FullName, "wrong"), "an-old-token") };
        var api = Find(await RunAsync(wrong), "kubernetes");
        Assert.Equal(CheckStatus.Fail, api.Status);
        Assert.Contains("rejected the credentials (401 Unauthorized)", api.Message);

        var missing = Find(await RunAsync(new KubernetesOptions { Kubeconfig = Path.Combine(_dir.FullName, "nope.yaml") }), "kubernetes");
        Assert.Equal(CheckStatus.Fail, missing.Status);
        Assert.Contains("nope.yaml", missing.Message);
        Assert.Contains("kubernetes.kubeconfig", missing.Fix);
    }

    [Fact]
    public async Task StandIn_MissingRbac_NamesEveryMissingPermission_AndTheManifestFix()
    {
        _allow = r => !(r.Resource == "configmaps" && r.Verb != "get") && r.Subresource != "scale";
        var rbac = Find(await RunAsync(), "rbac");
        Assert.Equal(CheckStatus.Fail, rbac.Status);
        foreach (var expected in new[] { "get deployments/scale (apps)", "patch statefulsets/scale (apps)", "patch replicasets/scale (apps)",
                     "create configmaps in kube-system", "update configmaps kube-system/edgescaler-hpa-history" })
            Assert.Contains(expected, rbac.Message);
        Assert.DoesNotContain("list pods", rbac.Message);
        Assert.Contains("deploy/k3s/clusterrole.yaml", rbac.Fix);
    }

    [Fact]
    public async Task StandIn_K3sMetricsServerOwningMetricsApi_FailsWithDisableMetricsServer()
    {
        _api.Remove("apiregistration.k8s.io/v1", "apiservices", null, "v1beta1.metrics.k8s.io");
        SeedApiService("v1beta1", "metrics-server", available: true);
        var check = Find(await RunAsync(), "apiservice");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("v1beta1.metrics.k8s.io is served by kube-system/metrics-server", check.Message);
        Assert.Contains("disable: [metrics-server]", check.Fix);
    }

    [Fact]
    public async Task StandIn_OurApiServiceMissingOrUnavailable_Fails()
    {
        _api.Remove("apiregistration.k8s.io/v1", "apiservices", null, "v1beta1.metrics.k8s.io");
        var missing = Find(await RunAsync(), "apiservice");
        Assert.Equal(CheckStatus.Fail, missing.Status);
        Assert.Contains("no APIService v1beta1.metrics.k8s.io", missing.Message);
        Assert.Contains("apiservice-v1beta1.yaml", missing.Fix);

        SeedApiService("v1beta1", KubernetesChecks.MetricsServiceName, available: false, reason: "FailedDiscoveryCheck");
        var down = Find(await RunAsync(), "apiservice");
        Assert.Equal(CheckStatus.Fail, down.Status);
        Assert.Contains("not Available: FailedDiscoveryCheck", down.Message);
        Assert.Contains("caBundle", down.Fix);
    }

    [Fact]
    public async Task StandIn_ApiServicesNotReadable_Warns()
    {
        using var _ = _api.FailNext("GET", "/apis/apiregistration.k8s.io/v1/apiservices", 403, times: 10, reason: "Forbidden");
        var check = Find(await RunAsync(), "apiservice");
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("403", check.Message);
    }

    [Theory]
    [InlineData("kube-controller-manager")]
    [InlineData("k3s")]
    public async Task StandIn_BuiltInHpaControllerWritingStatus_FailsWithTheK3sFlag(string manager)
    {
        SeedHpa("web", ("edgescaler", Now.AddMinutes(-1)), (manager, Now.AddSeconds(-30)));
        SeedHpa("db", ("edgescaler", Now.AddSeconds(-10)));
        var check = Find(await RunAsync(), "hpa-controller");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains($"{manager} wrote the status of default/web 30s ago", check.Message);
        Assert.DoesNotContain("default/db", check.Message);
        Assert.Contains("controllers=*,-horizontalpodautoscaling", check.Fix);
    }

    [Fact]
    public async Task StandIn_ScaleFightEvent_FailsTheHpaControllerCheck()
    {
        SeedHpa("web", ("edgescaler", Now.AddSeconds(-5)));
        _api.Seed("v1", "events", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web.fight", ["namespace"] = "default" },
            ["involvedObject"] = new JsonObject { ["kind"] = "HorizontalPodAutoscaler", ["namespace"] = "default", ["name"] = "web" },
            ["reason"] = "ConflictingScaleWriter",
            ["message"] = "Deployment/web: spec.replicas changed by another writer 3 times in 2m",
            ["type"] = "Warning",
            ["lastTimestamp"] = Now.AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        });
        var check = Find(await RunAsync(), "hpa-controller");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("another writer on default/web", check.Message);
    }

    [Fact]
    public async Task StandIn_OldBuiltInWriteNotYetSuperseded_Warns()
    {
        SeedHpa("web", ("kube-controller-manager", Now.AddHours(-2)));
        var check = Find(await RunAsync(), "hpa-controller");
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("default/web (last by kube-controller-manager", check.Message);
    }

    [Fact]
    public async Task StandIn_DoctorVerb_PrintsTheKubernetesLines_AndTheExitCodeFollowsThem()
    {
        var root = _dir.CreateSubdirectory("root");
        CopyTree(new DirectoryInfo(RepoPaths.Of("boards/rpi-4b/fixture")), root);
        var config = Path.Combine(_dir.FullName, "edgescaler.json");
        File.WriteAllText(config, $$"""{ "kubernetes": { "kubeconfig": "{{Options().Kubeconfig}}" } }""");

        var output = new StringWriter();
        var code = await CommandLine.RunAsync(["doctor", "--config", config, "--host-root", root.FullName], output, new StringWriter());
        var text = output.ToString();
        Assert.Contains("pass  kubernetes:", text);
        Assert.Contains("pass  hpa-controller:", text);
        var expected = RuntimeInformation.ProcessArchitecture == RuntimeInformation.OSArchitecture ? ExitCodes.Ok : ExitCodes.Failure;
        Assert.Equal(expected, code);

        SeedHpa("web", ("k3s", DateTimeOffset.UtcNow.AddSeconds(-5)));
        var json = new StringWriter();
        Assert.Equal(ExitCodes.Failure, await CommandLine.RunAsync(["doctor", "--config", config, "--host-root", root.FullName, "--json"], json, new StringWriter()));
        var hpaCheck = JsonNode.Parse(json.ToString())!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "hpa-controller")!;
        Assert.Equal("fail", hpaCheck["status"]!.GetValue<string>());

        var help = new StringWriter();
        await CommandLine.RunAsync(["doctor", "--help"], help, new StringWriter());
        foreach (var name in new[] { "kubernetes", "rbac", "apiservice", "hpa-controller" }) Assert.Contains($"  {name} ", help.ToString());
    }

    private static void CopyTree(DirectoryInfo from, DirectoryInfo to)
    {
        foreach (var d in from.EnumerateDirectories()) CopyTree(d, to.CreateSubdirectory(d.Name));
        foreach (var f in from.EnumerateFiles()) f.CopyTo(Path.Combine(to.FullName, f.Name));
    }
}
