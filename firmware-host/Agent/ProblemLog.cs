namespace EdgeScaler.Host.Agent;

using Microsoft.Extensions.Logging;

/// <summary>
/// Logs a recurring problem once when it appears and once when it clears, instead of on every tick:
/// a node with a disabled memory controller would otherwise write the same warning 8640 times a day.
/// </summary>
public sealed class ProblemLog(ILogger log, string what)
{
    private HashSet<string> _active = new(StringComparer.Ordinal);

    public int ActiveCount => _active.Count;

    public void Report(IReadOnlyList<string> problems)
    {
        var now = new HashSet<string>(problems, StringComparer.Ordinal);
        foreach (var p in now)
            if (!_active.Contains(p)) log.LogWarning("{What}: {Problem}", what, p);
        foreach (var p in _active)
            if (!now.Contains(p)) log.LogInformation("{What}: resolved: {Problem}", what, p);
        _active = now;
    }
}
