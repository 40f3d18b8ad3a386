namespace EdgeScaler.Kubernetes.Tests;

using System.Net;
using System.Text.Json.Nodes;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.Kubernetes.Scale;
using EdgeScaler.TestKit;

public sealed class ScaleClientStandInTests
{
    internal static JsonObject Workload(string name, int replicas, string ns = "default") => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
        },
    };

    [Theory]
    [InlineData("Deployment", "deployments")]
    [InlineData("StatefulSet", "statefulsets")]
    [InlineData("ReplicaSet", "replicasets")]
    public async Task StandIn_ScaleOfWorkloads_ReadsSelectorAndUpdatesReplicas(string kind, string resource)
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        api.Seed("apps/v1", resource, Workload("web", 2));
        var scales = new ScaleClient(rest);

        var path = await scales.ScalePathAsync("default", "apps/v1", kind, "web", default);
        var scale = await scales.GetAsync(path, default);
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal("app=web", scale.Status.Selector);

        var updated = await scales.UpdateAsync(path, scale, 4, default);
        Assert.Equal(4, updated.Spec.Replicas);
        Assert.Equal(4, api.Get("apps/v1", resource, "default", "web")!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task StandIn_ScaleUpdateAfterSomeoneElseWrote_Is409Conflict_AndChangesNothing()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        api.Seed("apps/v1", "deployments", Workload("web", 2));
        var scales = new ScaleClient(rest);
        var path = await scales.ScalePathAsync("default", "apps/v1", "Deployment", "web", default);
        var scale = await scales.GetAsync(path, default);

        api.Mutate("apps/v1", "deployments", "default", "web", d => d["spec"]!["replicas"] = 7);
        var e = await Assert.ThrowsAsync<KubeApiException>(() => scales.UpdateAsync(path, scale, 3, default));
        Assert.True(e.IsConflict);
        Assert.Equal(7, api.Get("apps/v1", "deployments", "default", "web")!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task StandIn_CustomResourceWithScale_IsFoundThroughDiscovery()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        api.RegisterResource(new KubeResourceType("argoproj.io", "v1alpha1", "rollouts", "Rollout", true, HasStatus: true, HasScale: true));
        api.Seed("argoproj.io/v1alpha1", "rollouts", Workload("canary", 3));
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var scales = new ScaleClient(rest);

        var path = await scales.ScalePathAsync("default", "argoproj.io/v1alpha1", "Rollout", "canary", default);
        Assert.Equal("/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/canary/scale", path);
        Assert.Equal(3, (await scales.GetAsync(path, default)).Spec.Replicas);
    }

    [Fact]
    public async Task StandIn_MissingTargetOrUnknownKind_IsNotFoundNotACrash()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var scales = new ScaleClient(rest);

        var path = await scales.ScalePathAsync("default", "apps/v1", "Deployment", "ghost", default);
        var missing = await Assert.ThrowsAsync<KubeApiException>(() => scales.GetAsync(path, default));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Contains("deployments.apps \"ghost\" not found", missing.ApiMessage);

        var unknown = await Assert.ThrowsAsync<KubeApiException>(() => scales.ScalePathAsync("default", "apps/v1", "Gadget", "x", default));
        Assert.Contains("no matches for kind \"Gadget\"", unknown.ApiMessage);
        var noScale = await Assert.ThrowsAsync<KubeApiException>(() => scales.ScalePathAsync("default", "apps/v1", "DaemonSet", "x", default));
        Assert.Contains("no scale subresource", noScale.ApiMessage);
    }
}
