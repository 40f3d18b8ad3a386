namespace EdgeScaler.MetricsApi.Security;

/// <summary>The three Kubernetes API calls a delegating aggregated API server makes.</summary>
public interface IKubeAuthApi
{
    /// <summary>The data of <c>kube-system/extension-apiserver-authentication</c>, or null when it does not exist.</summary>
    Task<IReadOnlyDictionary<string, string>?> ReadAuthenticationConfigMapAsync(CancellationToken cancellationToken);

    /// <summary>TokenReview: the user behind a bearer token, or null when the token is not valid.</summary>
    Task<UserInfo?> ReviewTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>SubjectAccessReview for a user and a request.</summary>
    Task<AuthorizationDecision> ReviewAccessAsync(UserInfo user, AccessRequest request, CancellationToken cancellationToken);
}
