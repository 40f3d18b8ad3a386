namespace EdgeScaler.MetricsApi;

using EdgeScaler.MetricsApi.Security;

/// <summary>Who may call the server: an authenticator and an authorizer, plus whatever must be stopped with the server.</summary>
public sealed class MetricsApiSecurity(IRequestAuthenticator authenticator, IRequestAuthorizer authorizer, IAsyncDisposable? owned = null) : IAsyncDisposable
{
    public IRequestAuthenticator Authenticator { get; } = authenticator;
    public IRequestAuthorizer Authorizer { get; } = authorizer;

    /// <summary>Everyone is <c>system:anonymous</c> and allowed; the server refuses it unless the listener is loopback.</summary>
    public static MetricsApiSecurity Anonymous() => new(AnonymousAccess.Instance, AnonymousAccess.Instance);

    internal bool IsAnonymous => ReferenceEquals(Authenticator, AnonymousAccess.Instance);

    public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
