namespace EdgeScaler.MetricsApi.Security;

using EdgeScaler.Kubernetes.Rest;
using k8s.Models;

/// <summary><see cref="IKubeAuthApi"/> over the Kubernetes REST API: ConfigMap read, TokenReview, SubjectAccessReview.</summary>
public sealed class KubernetesAuthApi(KubeRest rest) : IKubeAuthApi
{
    public async Task<IReadOnlyDictionary<string, string>?> ReadAuthenticationConfigMapAsync(CancellationToken cancellationToken)
    {
        var cm = await rest.GetOrNullAsync<V1ConfigMap>(
            $"api/v1/namespaces/{RequestHeaderConfig.ConfigMapNamespace}/configmaps/{RequestHeaderConfig.ConfigMapName}", cancellationToken);
        if (cm is null) return null;
        return cm.Data is null ? new Dictionary<string, string>() : new Dictionary<string, string>(cm.Data);
    }

    public async Task<UserInfo?> ReviewTokenAsync(string token, CancellationToken cancellationToken)
    {
        var review = await rest.CreateAsync("apis/authentication.k8s.io/v1/tokenreviews",
            new V1TokenReview { ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Spec = new V1TokenReviewSpec { Token = token } },
            cancellationToken);
        var status = review.Status;
        if (status is null || status.Authenticated != true || status.User?.Username is not { Length: > 0 } name) return null;
        var extra = status.User.Extra?.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToList()) ?? [];
        return UserInfo.Authenticated(name, status.User.Uid, status.User.Groups ?? [], extra);
    }

    public async Task<AuthorizationDecision> ReviewAccessAsync(UserInfo user, AccessRequest request, CancellationToken cancellationToken)
    {
        var spec = new V1SubjectAccessReviewSpec
        {
            User = user.Name,
            Uid = user.Uid,
            Groups = user.Groups.ToList(),
            Extra = user.Extra.Count == 0 ? null : user.Extra.ToDictionary(kv => kv.Key, kv => (IList<string>)kv.Value.ToList()),
        };
        if (request.IsResource)
            spec.ResourceAttributes = new V1ResourceAttributes
            {
                Verb = request.Verb, Group = "metrics.k8s.io", Version = request.ApiVersion, Resource = request.Resource,
                NamespaceProperty = request.Namespace, Name = request.Name,
            };
        else
            spec.NonResourceAttributes = new V1NonResourceAttributes { Path = request.Path, Verb = request.Verb };
        var review = await rest.CreateAsync("apis/authorization.k8s.io/v1/subjectaccessreviews",
            new V1SubjectAccessReview { ApiVersion = "authorization.k8s.io/v1", Kind = "SubjectAccessReview", Spec = spec },
            cancellationToken);
        var s = review.Status;
        return new AuthorizationDecision(s?.Allowed == true && s.Denied != true, s?.Reason ?? s?.EvaluationError);
    }
}
