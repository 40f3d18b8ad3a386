namespace EdgeScaler.Kubernetes.Rest;

using Microsoft.Extensions.Logging;

/// <summary>
/// Whether the API server answers, shared by every client part. Says so once per transition
/// ("unreachable" → "reachable again"), not once per failed call, and hands out the retry backoff.
/// </summary>
public sealed class ApiHealth(ILogger<ApiHealth> log, TimeProvider time)
{
    private readonly object _lock = new();
    private int _failures;
    private DateTimeOffset? _downSince;

    public static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public bool Reachable { get { lock (_lock) return _downSince is null; } }

    /// <summary>Raised on every transition; true = reachable.</summary>
    public event Action<bool>? Changed;

    public void ReportSuccess()
    {
        DateTimeOffset? wasDown;
        lock (_lock)
        {
            wasDown = _downSince;
            _downSince = null;
            _failures = 0;
        }
        if (wasDown is { } since)
        {
            log.LogInformation("Kubernetes API reachable again after {Seconds:F0}s; scaling resumes", (time.GetUtcNow() - since).TotalSeconds);
            Changed?.Invoke(true);
        }
    }

    public void ReportUnreachable(Exception e)
    {
        bool first;
        lock (_lock)
        {
            _failures++;
            first = _downSince is null;
            _downSince ??= time.GetUtcNow();
        }
        if (first)
        {
            log.LogWarning("Kubernetes API unreachable ({Error}); no scaling until it answers, retrying with backoff", e.Message);
            Changed?.Invoke(false);
        }
    }

    /// <summary>Exponential backoff from 1s to 30s by consecutive failures.</summary>
    public TimeSpan NextBackoff()
    {
        int failures;
        lock (_lock) failures = _failures;
        var seconds = Math.Min(MaxBackoff.TotalSeconds, MinBackoff.TotalSeconds * Math.Pow(2, Math.Max(0, failures - 1)));
        return TimeSpan.FromSeconds(seconds);
    }
}
