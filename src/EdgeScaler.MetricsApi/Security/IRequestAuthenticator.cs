namespace EdgeScaler.MetricsApi.Security;

using Microsoft.AspNetCore.Http;

/// <summary>Finds who is calling (front-proxy headers, client certificate, bearer token).</summary>
public interface IRequestAuthenticator
{
    ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken);
}

/// <summary>Decides whether a user may do what a request asks.</summary>
public interface IRequestAuthorizer
{
    ValueTask<AuthorizationDecision> AuthorizeAsync(UserInfo user, AccessRequest request, CancellationToken cancellationToken);
}
