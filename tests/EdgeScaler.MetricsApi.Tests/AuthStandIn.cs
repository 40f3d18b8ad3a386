namespace EdgeScaler.MetricsApi.Tests;

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeScaler.TestKit;
using Microsoft.AspNetCore.Http;

/// <summary>
/// The Kubernetes side of an aggregated API server's security, on the shared KubeApiStandIn (through its handler
/// hooks): the extension-apiserver-authentication ConfigMap, TokenReview answers from a token table, and
/// SubjectAccessReview answers from a rule; every review is recorded for assertions.
/// </summary>
public sealed class AuthStandIn : IAsyncDisposable
{
    public KubeApiStandIn Api { get; }
    public TestCa FrontProxyCa { get; } = new("front-proxy-ca");
    public TestCa ClientCa { get; } = new("client-ca");

    /// <summary>Valid tokens → (user, groups). Anything else is "authenticated: false".</summary>
    public ConcurrentDictionary<string, (string User, string[] Groups)> Tokens { get; } = new();

    /// <summary>Decides a SubjectAccessReview from its spec; default: allow user "alice" and the HPA service account.</summary>
    public Func<JsonNode, bool> Allow { get; set; } = spec =>
        spec["user"]?.GetValue<string>() is "alice" or "system:serviceaccount:kube-system:horizontal-pod-autoscaler";

    public ConcurrentQueue<JsonNode> AccessReviews { get; } = new();

    /// <summary>When true, SubjectAccessReview answers 503 (the API is failing).</summary>
    public bool FailAccessReviews { get; set; }
    public ConcurrentQueue<string> TokenReviews { get; } = new();

    private AuthStandIn(KubeApiStandIn api) => Api = api;

    public static async Task<AuthStandIn> StartAsync(IReadOnlyList<string>? allowedNames = null)
    {
        var s = new AuthStandIn(await KubeApiStandIn.StartAsync());
        s.SeedConfigMap(s.FrontProxyCa, allowedNames ?? ["system:auth-proxy"]);
        s.Api.Map("POST", "/apis/authentication.k8s.io/v1/tokenreviews", s.TokenReviewAsync);
        s.Api.Map("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", s.SubjectAccessReviewAsync);
        return s;
    }

    /// <summary>(Re)writes the ConfigMap as kube-apiserver does (JSON string arrays, PEM bundles).</summary>
    public void SeedConfigMap(TestCa requestHeaderCa, IReadOnlyList<string> allowedNames) =>
        Api.Seed("v1", "configmaps", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "extension-apiserver-authentication", ["namespace"] = "kube-system" },
            ["data"] = new JsonObject
            {
                ["client-ca-file"] = ClientCa.Pem,
                ["requestheader-client-ca-file"] = requestHeaderCa.Pem,
                ["requestheader-allowed-names"] = JsonSerializer.Serialize(allowedNames.ToArray(), StringArrayJson.Default.StringArray),
                ["requestheader-username-headers"] = "[\"X-Remote-User\"]",
                ["requestheader-group-headers"] = "[\"X-Remote-Group\"]",
                ["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]",
            },
        });

    public Security.KubernetesAuthApi AuthApi() => new(new EdgeScaler.Kubernetes.Rest.KubeRest(Api.CreateClientConfiguration()));

    private async Task TokenReviewAsync(HttpContext ctx)
    {
        var body = await JsonNode.ParseAsync(ctx.Request.Body);
        var token = body!["spec"]!["token"]!.GetValue<string>();
        TokenReviews.Enqueue(token);
        JsonObject status = Tokens.TryGetValue(token, out var u)
            ? new JsonObject { ["authenticated"] = true, ["user"] = new JsonObject { ["username"] = u.User, ["uid"] = "uid-" + u.User, ["groups"] = new JsonArray(u.Groups.Select(g => (JsonNode)g).ToArray()) } }
            : new JsonObject { ["authenticated"] = false, ["error"] = "token expired or unknown" };
        body["status"] = status;
        await WriteJsonAsync(ctx, 201, body);
    }

    private async Task SubjectAccessReviewAsync(HttpContext ctx)
    {
        if (FailAccessReviews)
        {
            await EdgeScaler.TestKit.KubeApiStandIn.WriteStatusAsync(ctx, 503, "ServiceUnavailable", "etcd is down");
            return;
        }
        var body = await JsonNode.ParseAsync(ctx.Request.Body);
        var spec = body!["spec"]!;
        AccessReviews.Enqueue(spec.DeepClone());
        var allowed = Allow(spec);
        body["status"] = new JsonObject { ["allowed"] = allowed, ["reason"] = allowed ? "RBAC: allowed" : "" };
        await WriteJsonAsync(ctx, 201, body);
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        FrontProxyCa.Dispose();
        ClientCa.Dispose();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StringArrayJson : System.Text.Json.Serialization.JsonSerializerContext;
