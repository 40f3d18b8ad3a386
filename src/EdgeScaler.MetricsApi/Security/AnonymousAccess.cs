namespace EdgeScaler.MetricsApi.Security;

using System.Net;
using Microsoft.AspNetCore.Http;

/// <summary>
/// Local-only access for <c>edgescaler simulate</c> and development: every caller is <c>system:anonymous</c> and
/// allowed. Only usable on a loopback listener; <see cref="EnsureLoopback"/> refuses anything else.
/// </summary>
public sealed class AnonymousAccess : IRequestAuthenticator, IRequestAuthorizer
{
    public static readonly AnonymousAccess Instance = new();

    public ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AuthenticationResult.Success(UserInfo.Anonymous));

    public ValueTask<AuthorizationDecision> AuthorizeAsync(UserInfo user, AccessRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new AuthorizationDecision(true, null));

    /// <exception cref="InvalidOperationException">The listen address is not loopback-only.</exception>
    public static void EnsureLoopback(string listenAddress)
    {
        if (IsLoopback(listenAddress)) return;
        throw new InvalidOperationException(
            $"metricsApi: allowAnonymous is only permitted on a loopback listener (127.0.0.1, ::1 or localhost), not \"{listenAddress}\"");
    }

    public static bool IsLoopback(string listenAddress) =>
        string.Equals(listenAddress, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(listenAddress, out var ip) && IPAddress.IsLoopback(ip));
}
