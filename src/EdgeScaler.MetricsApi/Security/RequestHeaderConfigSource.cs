namespace EdgeScaler.MetricsApi.Security;

using Microsoft.Extensions.Logging;

/// <summary>
/// Keeps <see cref="RequestHeaderConfig"/> current: reads the ConfigMap at start and re-reads it on a timer so CA
/// rotation and allowed-name changes take effect without a restart. A failed or malformed read keeps the last
/// good config and logs one line.
/// </summary>
public sealed class RequestHeaderConfigSource : IAsyncDisposable
{
    private readonly IKubeAuthApi _api;
    private readonly TimeSpan _period;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private volatile RequestHeaderConfig _current = RequestHeaderConfig.Empty;

    public RequestHeaderConfigSource(IKubeAuthApi api, TimeSpan period, ILogger log)
    {
        _api = api;
        _period = period;
        _log = log;
    }

    public RequestHeaderConfig Current => _current;

    /// <summary>Loads once (so the first request already sees the CAs), then keeps refreshing in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>Re-reads the ConfigMap now; true when it changed.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var data = await _api.ReadAuthenticationConfigMapAsync(cancellationToken);
            if (data is null)
            {
                if (_current != RequestHeaderConfig.Empty) _log.LogWarning("{Name} ConfigMap is gone; keeping the last front-proxy settings", RequestHeaderConfig.ConfigMapName);
                else _log.LogWarning("{Namespace}/{Name} ConfigMap not found: front-proxy (aggregator) requests cannot be authenticated yet", RequestHeaderConfig.ConfigMapNamespace, RequestHeaderConfig.ConfigMapName);
                return false;
            }
            var parsed = RequestHeaderConfig.Parse(data);
            if (parsed.Fingerprint == _current.Fingerprint) return false;
            _current = parsed;
            _log.LogInformation("front-proxy settings loaded: {CaCount} request-header CA(s), allowed names [{Names}], {ClientCaCount} client CA(s)",
                parsed.RequestHeaderCAs.Count, string.Join(",", parsed.AllowedNames), parsed.ClientCAs.Count);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            _log.LogWarning("reading {Name} failed, keeping the last settings: {Error}", RequestHeaderConfig.ConfigMapName, e.Message);
            return false;
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await RefreshAsync(_stop.Token);
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
