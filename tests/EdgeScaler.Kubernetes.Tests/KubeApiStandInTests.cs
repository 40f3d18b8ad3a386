namespace EdgeScaler.Kubernetes.Tests;

using System.Net;
using System.Text.Json.Nodes;
using EdgeScaler.TestKit;
using k8s;
using k8s.Autorest;
using k8s.Models;

/// <summary>The stand-in must behave like kube-apiserver where our code depends on it; these pin that down.</summary>
public sealed class KubeApiStandInTests
{
    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec(),
        },
    };

    [Fact]
    public async Task StandIn_CreateGetScalePatch_RoundTripsThroughKubernetesClient()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var client = api.CreateClient();

        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 2), "default");
        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default");
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal("app=web", scale.Status.Selector);

        var patch = new V1Patch("{\"spec\":{\"replicas\":5}}", V1Patch.PatchType.MergePatch);
        var patched = await client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, "web", "default");
        Assert.Equal(5, patched.Spec.Replicas);
        Assert.Equal(5, (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default")).Spec.Replicas);
        Assert.Single(api.RequestsTo("PATCH", "/deployments/web/scale"));
        Assert.StartsWith("application/merge-patch+json", api.RequestsTo("PATCH", "/scale")[0].ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandIn_ReplaceWithStaleResourceVersion_Returns409StatusConflict()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), "default");
        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default");
        api.Mutate("apps/v1", "deployments", "default", "web", d => d["spec"]!["replicas"] = 3);

        scale.Spec.Replicas = 4;
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default"));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal(3, api.Get<V1Deployment>("apps/v1", "deployments", "default", "web")!.Spec.Replicas);
    }

    [Fact]
    public async Task StandIn_StatusSubresource_IsolatesSpecAndStatusWrites()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var client = api.CreateClient();
        var hpa = new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V2HorizontalPodAutoscalerSpec { MaxReplicas = 5, ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = "web", ApiVersion = "apps/v1" } },
        };
        var created = await client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(hpa, "default");
        created.Status = new V2HorizontalPodAutoscalerStatus { CurrentReplicas = 2, DesiredReplicas = 3 };
        var withStatus = await client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerStatusAsync(created, "web", "default");
        Assert.Equal(3, withStatus.Status.DesiredReplicas);

        // A main-resource update cannot change status.
        withStatus.Status.DesiredReplicas = 9;
        withStatus.Spec.MaxReplicas = 7;
        var updated = await client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerAsync(withStatus, "web", "default");
        Assert.Equal(7, updated.Spec.MaxReplicas);
        Assert.Equal(3, updated.Status.DesiredReplicas);
    }

    [Fact]
    public async Task StandIn_ListWithSelectors_FiltersLikeTheApiServer()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var client = api.CreateClient();
        foreach (var (name, app, node) in new[] { ("a", "web", "n1"), ("b", "web", "n2"), ("c", "db", "n1") })
            api.Seed("v1", "pods", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["app"] = app } },
                ["spec"] = new JsonObject { ["nodeName"] = node },
            });

        Assert.Equal(["a", "b"], (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web")).Items.Select(p => p.Metadata.Name));
        Assert.Equal(["a", "c"], (await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=n1")).Items.Select(p => p.Metadata.Name));
        Assert.Equal(["c"], (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app notin (web)")).Items.Select(p => p.Metadata.Name));
        var bad = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app in web"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Response.StatusCode);
    }

    [Fact]
    public async Task StandIn_Watch_StreamsAddedModifiedDeletedAndResumes()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        api.Seed("v1", "configmaps", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "one", ["namespace"] = "ns" } });
        using var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl) };
        using var response = await http.GetAsync("/api/v1/namespaces/ns/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var added = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("ADDED", added["type"]!.GetValue<string>());
        var addedVersion = added["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>();

        api.Mutate("v1", "configmaps", "ns", "one", c => c["data"] = new JsonObject { ["k"] = "v" });
        api.Remove("v1", "configmaps", "ns", "one");
        var modified = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        var deleted = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("MODIFIED", modified["type"]!.GetValue<string>());
        Assert.Equal("v", modified["object"]!["data"]!["k"]!.GetValue<string>());
        Assert.Equal("DELETED", deleted["type"]!.GetValue<string>());

        // Resuming from the ADDED version replays exactly the two later events.
        var resumed = await http.GetStringAsync($"/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion={addedVersion}&timeoutSeconds=1");
        Assert.Equal(["MODIFIED", "DELETED"], resumed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["type"]!.GetValue<string>()));

        api.ExpireWatchHistory();
        var expired = await http.GetStringAsync($"/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion={addedVersion}");
        var error = JsonNode.Parse(expired.Trim())!;
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task StandIn_GoAwayAndComeBack_RefusesThenServesTheSameStore()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 2), "default");
        var port = api.Port;

        await api.GoAwayAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("web", "default"));

        await api.ComeBackAsync();
        Assert.Equal(port, api.Port);
        Assert.Equal(2, (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default")).Spec.Replicas);
    }

    [Fact]
    public async Task StandIn_TlsAndBearerToken_AreEnforced()
    {
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true, RequiredBearerToken = "s3cret" });
        Assert.StartsWith("https://", api.BaseUrl, StringComparison.Ordinal);
        using var client = api.CreateClient();
        var leases = await client.CoordinationV1.ListNamespacedLeaseAsync("kube-system");
        Assert.Empty(leases.Items);

        var config = api.CreateClientConfiguration();
        config.AccessToken = "wrong";
        using var wrong = new Kubernetes(config);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => wrong.CoordinationV1.ListNamespacedLeaseAsync("kube-system"));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Response.StatusCode);
    }

    [Fact]
    public async Task StandIn_FailNextAndCustomHandler_InjectFailuresAndServeExtraApis()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var client = api.CreateClient();
        using var failure = api.FailNext("GET", "/configmaps", 503, times: 1);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Response.StatusCode);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);

        using var review = api.Map("POST", "/apis/authentication.k8s.io/v1/tokenreviews", ctx =>
            KubeApiStandIn.WriteJsonAsync(ctx, 201, new JsonObject { ["kind"] = "TokenReview", ["status"] = new JsonObject { ["authenticated"] = true } }));
        var result = await client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = "t" } });
        Assert.True(result.Status.Authenticated);
    }
}
