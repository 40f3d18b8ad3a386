// KubeApiStandIn: SelfSubjectAccessReview (POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews), answered
// from a test-supplied rule, as kube-apiserver answers it from RBAC: the review comes back with status.allowed.
namespace EdgeScaler.TestKit;

using System.Text.Json.Nodes;

/// <summary>The resourceAttributes of a SelfSubjectAccessReview ("" for an unset field).</summary>
public sealed record KubeAccessRequest(string Verb, string Group, string Resource, string Subresource, string Namespace, string Name)
{
    /// <summary>"verb resource[/subresource]" with the group, the way RBAC rules name it (e.g. "patch deployments/scale (apps)").</summary>
    public override string ToString() =>
        $"{Verb} {Resource}{(Subresource.Length > 0 ? "/" + Subresource : "")}{(Group.Length > 0 ? $" ({Group})" : "")}";
}

public sealed partial class KubeApiStandIn
{
    public const string SelfSubjectAccessReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    /// <summary>
    /// Answers SelfSubjectAccessReviews with <paramref name="allowed"/> (true: allowed). Non-resource reviews are denied.
    /// Every request asked is kept in <see cref="AccessReviews"/>. Dispose the result to stop answering.
    /// </summary>
    public IDisposable ServeSelfSubjectAccessReviews(Func<KubeAccessRequest, bool> allowed) =>
        Map("POST", SelfSubjectAccessReviewPath, async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var review = JsonNode.Parse(await reader.ReadToEndAsync(ctx.RequestAborted)) as JsonObject;
            if (review?["spec"] is not JsonObject spec)
            {
                await WriteStatusAsync(ctx, 400, "BadRequest", "SelfSubjectAccessReview without spec");
                return;
            }
            var isAllowed = false;
            if (spec["resourceAttributes"] is JsonObject ra)
            {
                string F(string name) => ra[name]?.GetValue<string>() ?? "";
                var request = new KubeAccessRequest(F("verb"), F("group"), F("resource"), F("subresource"), F("namespace"), F("name"));
                lock (_accessReviews) _accessReviews.Add(request);
                isAllowed = allowed(request);
            }
            review["apiVersion"] = "authorization.k8s.io/v1";
            review["kind"] = "SelfSubjectAccessReview";
            review["status"] = isAllowed
                ? new JsonObject { ["allowed"] = true, ["reason"] = "RBAC: allowed by the stand-in" }
                : new JsonObject { ["allowed"] = false };
            await WriteJsonAsync(ctx, 201, review);
        });

    private readonly List<KubeAccessRequest> _accessReviews = [];

    /// <summary>Every resource access asked through <see cref="ServeSelfSubjectAccessReviews"/>, oldest first.</summary>
    public IReadOnlyList<KubeAccessRequest> AccessReviews
    {
        get { lock (_accessReviews) return [.. _accessReviews]; }
    }
}
