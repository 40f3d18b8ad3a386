namespace EdgeScaler.MetricsApi.Security;

/// <summary>An authenticated caller, as Kubernetes' user.Info describes one.</summary>
public sealed record UserInfo(string Name, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public const string AuthenticatedGroup = "system:authenticated";
    public const string MastersGroup = "system:masters";

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoExtra = new Dictionary<string, IReadOnlyList<string>>();

    public static readonly UserInfo Anonymous = new("system:anonymous", null, ["system:unauthenticated"], NoExtra);

    public bool IsAnonymous => ReferenceEquals(this, Anonymous);

    /// <summary>genericapiserver adds system:authenticated to every authenticated user; SARs depend on it.</summary>
    public static UserInfo Authenticated(string name, string? uid, IEnumerable<string> groups, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null)
    {
        var g = groups.Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (!g.Contains(AuthenticatedGroup)) g.Add(AuthenticatedGroup);
        return new UserInfo(name, string.IsNullOrEmpty(uid) ? null : uid, g, extra ?? NoExtra);
    }
}

/// <summary>The outcome of authentication: a user, no credentials at all, or credentials that were rejected.</summary>
public readonly record struct AuthenticationResult(UserInfo? User, string? FailureReason)
{
    public static AuthenticationResult None => new(null, null);
    public static AuthenticationResult Success(UserInfo user) => new(user, null);
    public static AuthenticationResult Failed(string reason) => new(null, reason);
    public bool HasCredentials => User is not null || FailureReason is not null;
}

/// <summary>What a request wants to do, in SubjectAccessReview terms.</summary>
public sealed record AccessRequest(string Verb, string? Resource, string? Namespace, string? Name, string? ApiVersion, string? Path)
{
    public static AccessRequest ForResource(string verb, string resource, string? ns, string? name, string apiVersion) =>
        new(verb, resource, ns, name, apiVersion, null);

    public static AccessRequest ForPath(string path) => new("get", null, null, null, null, path);

    public bool IsResource => Resource is not null;

    /// <summary>The 403 message kube-apiserver would give.</summary>
    public string ForbiddenMessage(UserInfo user)
    {
        if (!IsResource) return $"forbidden: User \"{user.Name}\" cannot get path \"{Path}\"";
        var what = Name is null ? $"{Resource}.metrics.k8s.io" : $"{Resource}.metrics.k8s.io \"{Name}\"";
        var scope = Namespace is null ? "at the cluster scope" : $"in the namespace \"{Namespace}\"";
        return $"{what} is forbidden: User \"{user.Name}\" cannot {Verb} resource \"{Resource}\" in API group \"metrics.k8s.io\" {scope}";
    }
}

/// <summary>An authorization answer; <paramref name="Error"/> set when no answer could be had (the API failed) — a 500, not a 403.</summary>
public readonly record struct AuthorizationDecision(bool Allowed, string? Reason, string? Error = null);
