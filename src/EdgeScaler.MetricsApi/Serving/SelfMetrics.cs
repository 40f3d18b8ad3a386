namespace EdgeScaler.MetricsApi.Serving;

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

/// <summary>
/// Counters about EdgeScaler itself, rendered as Prometheus text on <c>/metrics</c>: requests by route class
/// and code, request latency, samples and peer pulls reported by the cluster view. Lock-free increments;
/// label sets are small and fixed (no per-pod or per-path series).
/// </summary>
public sealed class SelfMetrics
{
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly ConcurrentDictionary<(string Route, int Code), long[]> _requests = new();
    private readonly long[] _latencyCounts = new long[LatencyBuckets.Length + 1];
    private long _latencySumMicros;
    private long _latencyCount;
    private readonly ConcurrentDictionary<string, Func<IEnumerable<(string Labels, double Value)>>> _gauges = new();
    private readonly ConcurrentDictionary<string, string> _help = new();

    public void CountRequest(string route, int code, TimeSpan elapsed)
    {
        var cell = _requests.GetOrAdd((route, code), _ => new long[1]);
        Interlocked.Increment(ref cell[0]);
        var seconds = elapsed.TotalSeconds;
        var i = 0;
        while (i < LatencyBuckets.Length && seconds > LatencyBuckets[i]) i++;
        Interlocked.Increment(ref _latencyCounts[i]);
        Interlocked.Add(ref _latencySumMicros, (long)(seconds * 1e6));
        Interlocked.Increment(ref _latencyCount);
    }

    public long RequestCount(string route, int code) => _requests.TryGetValue((route, code), out var c) ? Interlocked.Read(ref c[0]) : 0;

    /// <summary>Registers a series computed at scrape time (samples taken, peer state, …). Labels are pre-rendered, e.g. <c>peer="a"</c>.</summary>
    public void AddGauge(string name, string help, Func<IEnumerable<(string Labels, double Value)>> read)
    {
        _gauges[name] = read;
        _help[name] = help;
    }

    public string Render()
    {
        var sb = new StringBuilder(2048);
        sb.Append("# HELP edgescaler_metricsapi_requests_total Requests served by the metrics API, by route and HTTP status code.\n");
        sb.Append("# TYPE edgescaler_metricsapi_requests_total counter\n");
        foreach (var ((route, code), cell) in _requests.OrderBy(k => k.Key.Route, StringComparer.Ordinal).ThenBy(k => k.Key.Code))
            sb.Append(CultureInfo.InvariantCulture, $"edgescaler_metricsapi_requests_total{{route=\"{route}\",code=\"{code}\"}} {Interlocked.Read(ref cell[0])}\n");

        sb.Append("# HELP edgescaler_metricsapi_request_duration_seconds Time to answer a request.\n");
        sb.Append("# TYPE edgescaler_metricsapi_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i < LatencyBuckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _latencyCounts[i]);
            sb.Append(CultureInfo.InvariantCulture, $"edgescaler_metricsapi_request_duration_seconds_bucket{{le=\"{LatencyBuckets[i]}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _latencyCounts[^1]);
        sb.Append(CultureInfo.InvariantCulture, $"edgescaler_metricsapi_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        sb.Append(CultureInfo.InvariantCulture, $"edgescaler_metricsapi_request_duration_seconds_sum {Interlocked.Read(ref _latencySumMicros) / 1e6}\n");
        sb.Append(CultureInfo.InvariantCulture, $"edgescaler_metricsapi_request_duration_seconds_count {Interlocked.Read(ref _latencyCount)}\n");

        foreach (var (name, read) in _gauges.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var type = name.EndsWith("_total", StringComparison.Ordinal) ? "counter" : "gauge";
            sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {_help[name]}\n# TYPE {name} {type}\n");
            foreach (var (labels, value) in read())
                sb.Append(CultureInfo.InvariantCulture, $"{name}{(labels.Length == 0 ? "" : "{" + labels + "}")} {value}\n");
        }
        return sb.ToString();
    }
}
