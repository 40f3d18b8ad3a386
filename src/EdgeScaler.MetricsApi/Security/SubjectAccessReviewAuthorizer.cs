namespace EdgeScaler.MetricsApi.Security;

using System.Collections.Concurrent;
using System.Text;

/// <summary>
/// genericapiserver's delegating authorization: <c>system:masters</c> is always allowed (how the aggregator's
/// availability probe passes), peer agents may read local samples, everything else is a SubjectAccessReview.
/// Allowed and denied answers are both cached briefly; a failed review is not cached and becomes a 500.
/// </summary>
internal sealed class SubjectAccessReviewAuthorizer(IKubeAuthApi api, TimeProvider time, TimeSpan cacheFor) : IRequestAuthorizer
{
    private readonly ConcurrentDictionary<string, (AuthorizationDecision Decision, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<AuthorizationDecision> AuthorizeAsync(UserInfo user, AccessRequest request, CancellationToken cancellationToken)
    {
        if (user.Groups.Contains(UserInfo.MastersGroup)) return new(true, "system:masters");
        if (user.Groups.Contains(ClientCertificateVerifier.PeerGroup))
            return request.Path == Serving.MetricsApiHandler.LocalSamplesPath ? new(true, "peer") : new(false, "peer certificates may only read local samples");

        var key = CacheKey(user, request);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now) return cached.Decision;
        AuthorizationDecision decision;
        try
        {
            decision = await api.ReviewAccessAsync(user, request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new(false, null, "SubjectAccessReview failed: " + e.Message);
        }
        if (_cache.Count > 4096) _cache.Clear();
        _cache[key] = (decision, now + cacheFor);
        return decision;
    }

    private static string CacheKey(UserInfo u, AccessRequest r)
    {
        var sb = new StringBuilder();
        sb.Append(u.Name).Append('\0').Append(u.Uid).Append('\0').AppendJoin(',', u.Groups).Append('\0');
        foreach (var (k, v) in u.Extra.OrderBy(e => e.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').AppendJoin(',', v).Append(';');
        sb.Append('\0').Append(r.Verb).Append('\0').Append(r.Resource).Append('\0').Append(r.Namespace).Append('\0').Append(r.Name)
          .Append('\0').Append(r.ApiVersion).Append('\0').Append(r.Path);
        return sb.ToString();
    }
}
