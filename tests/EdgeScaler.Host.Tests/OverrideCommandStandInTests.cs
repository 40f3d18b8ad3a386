namespace EdgeScaler.Host.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Host.Cli;
using EdgeScaler.TestKit;
using static EdgeScaler.Host.Tests.InProcessCli;

/// <summary>`edgescaler override` end to end: the real verb, a kubeconfig, TLS and a bearer token, against the API stand-in.</summary>
public sealed class OverrideCommandStandInTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgescaler-override-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<KubeApiStandIn> ApiWithHpa()
    {
        var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true, RequiredBearerToken = "t0ken" });
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "shop" },
            ["spec"] = new JsonObject
            {
                ["minReplicas"] = 2,
                ["maxReplicas"] = 8,
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "web" },
            },
        });
        return api;
    }

    private static JsonObject? Annotations(KubeApiStandIn api) =>
        api.Get("autoscaling/v2", "horizontalpodautoscalers", "shop", "web")!["metadata"]!["annotations"] as JsonObject;

    [Fact]
    public async Task StandIn_PinForADuration_ThenAuto_WritesAndRemovesTheAnnotations()
    {
        await using var api = await ApiWithHpa();
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));

        var (code, output, error) = await Run("override", "shop/web", "--replicas", "5", "--for", "30m", "--kubeconfig", kubeconfig);
        Assert.True(code == 0, error);
        Assert.StartsWith("shop/web: pinned at 5 until ", output);
        var annotations = Annotations(api)!;
        Assert.Equal("5", annotations["edgescaler.io/override-replicas"]!.GetValue<string>());
        Assert.Equal("cli", annotations["edgescaler.io/override-source"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(annotations["edgescaler.io/override-until"]!.GetValue<string>()) > DateTimeOffset.UtcNow.AddMinutes(29));

        (code, output, _) = await Run("override", "shop/web", "--replicas", "20", "--kubeconfig", kubeconfig);
        Assert.Equal(0, code);
        Assert.Contains("pinned at 8 (20 clamped to [2, 8]", output);

        (code, _, _) = await Run("override", "shop/web", "--replicas", "20", "--force", "--kubeconfig", kubeconfig);
        Assert.Equal(0, code);
        Assert.Equal("true", Annotations(api)!["edgescaler.io/override-force"]!.GetValue<string>());

        (code, output, _) = await Run("override", "shop/web", "--auto", "--kubeconfig", kubeconfig);
        Assert.Equal(0, code);
        Assert.Contains("released", output);
        Assert.DoesNotContain(Annotations(api) ?? [], kv => kv.Key.StartsWith("edgescaler.io/override-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("shop/web")]                                    // neither --replicas nor --auto
    [InlineData("shop/web", "--replicas", "3", "--auto")]
    [InlineData("web", "--replicas", "3")]                      // not NAMESPACE/HPA
    [InlineData("shop/web", "--replicas", "-3")]
    [InlineData("shop/web", "--replicas", "three")]
    [InlineData("shop/web", "--replicas", "3", "--for", "soon")]
    [InlineData("shop/web", "--auto", "--for", "30m")]
    public async Task BadUsage_Exits2_WithoutTouchingAnything(params string[] rest)
    {
        var (code, _, error) = await Run(["override", .. rest]);
        Assert.Equal(2, code);
        Assert.Contains("override", error);
    }

    [Fact]
    public async Task StandIn_MissingHpaOrAbsurdValue_Exits1WithTheReason()
    {
        await using var api = await ApiWithHpa();
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        var (code, _, error) = await Run("override", "shop/nope", "--replicas", "3", "--kubeconfig", kubeconfig);
        Assert.Equal(1, code);
        Assert.Contains("shop/nope not found", error);
        (code, _, error) = await Run("override", "shop/web", "--replicas", "1000000", "--kubeconfig", kubeconfig);
        Assert.Equal(1, code);
        Assert.Contains("more than the 10000", error);
        Assert.Null(Annotations(api));
    }

    [Fact]
    public async Task StandIn_ApiDown_Exits1AndSaysItCannotReachIt()
    {
        await using var api = await ApiWithHpa();
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        await api.GoAwayAsync();
        var (code, _, error) = await Run("override", "shop/web", "--replicas", "3", "--kubeconfig", kubeconfig);
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the Kubernetes API", error);
    }
}
