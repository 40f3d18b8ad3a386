namespace EdgeScaler.MetricsApi.Serving;

using System.Text;
using EdgeScaler.Core.Metrics;

/// <summary>
/// /healthz, /livez and /readyz in genericapiserver's format: "ok" (or "[-]check failed" lines and 500), with
/// <c>?verbose</c> listing each check and <c>/readyz/&lt;check&gt;</c> running one. Ready only once the cluster view
/// has two samples to compute rates from, so the aggregator never routes to an agent with nothing to serve.
/// </summary>
internal sealed class HealthChecks(IClusterMetrics metrics)
{
    private readonly (string Name, Func<bool> Check)[] _live = [("ping", () => true)];

    private (string Name, Func<bool> Check)[] Ready => [("ping", () => true), ("metric-storage-ready", () => metrics.HasRates)];

    public bool IsHealthPath(string[] segments) =>
        segments.Length is 1 or 2 && segments[0] is "healthz" or "livez" or "readyz";

    public (int Code, string Body) Evaluate(string[] segments, bool verbose)
    {
        var checks = segments[0] == "readyz" ? Ready : _live;
        if (segments.Length == 2)
        {
            foreach (var (name, check) in checks)
                if (name == segments[1]) return check() ? (200, "ok") : (500, $"[-]{name} failed: reason withheld\n");
            return (404, $"no check named \"{segments[1]}\"\n");
        }
        var sb = new StringBuilder();
        var ok = true;
        foreach (var (name, check) in checks)
        {
            var passed = check();
            ok &= passed;
            if (verbose || !passed) sb.Append(passed ? $"[+]{name} ok\n" : $"[-]{name} failed: reason withheld\n");
        }
        if (!ok) { sb.Append(segments[0]).Append(" check failed\n"); return (500, sb.ToString()); }
        return verbose ? (200, sb.Append(segments[0]).Append(" check passed\n").ToString()) : (200, "ok");
    }
}
