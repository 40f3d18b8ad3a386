namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Units;

/// <summary>One container's usage in a PodMetrics item. CPU and memory are the two resources metrics.k8s.io serves.</summary>
public sealed record ContainerUsageSample(string Name, Quantity? Cpu, Quantity? Memory)
{
    /// <summary>Any other resource a metrics server might report.</summary>
    public IReadOnlyDictionary<string, Quantity>? Other { get; init; }

    public bool TryGetMilli(string resource, out long milli)
    {
        Quantity? q = resource switch
        {
            "cpu" => Cpu,
            "memory" => Memory,
            _ => Other is not null && Other.TryGetValue(resource, out var v) ? v : null,
        };
        milli = q?.MilliValue() ?? 0;
        return q.HasValue;
    }
}

/// <summary>One PodMetrics item (metrics.k8s.io).</summary>
public sealed record PodUsageSample(string PodName, DateTimeOffset Timestamp, TimeSpan Window, IReadOnlyList<ContainerUsageSample> Containers);

/// <summary>One item of a custom.metrics.k8s.io MetricValueList.</summary>
public sealed record CustomMetricValue(string DescribedKind, string DescribedName, Quantity Value, DateTimeOffset Timestamp, int? WindowSeconds = null);

/// <summary>One item of an external.metrics.k8s.io ExternalMetricValueList.</summary>
public sealed record ExternalMetricValue(Quantity Value, DateTimeOffset Timestamp, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>
/// An <see cref="IHpaMetricsSource"/> over already-fetched lists: what `explain` reads from a bundle and what the
/// Scaler builds from the cluster view. Conversion rules follow upstream's metrics client: a pod with no
/// containers, or a container without the resource, is left out (so it counts as missing), values are MilliValue(),
/// custom metrics without windowSeconds get the 1-minute default window.
/// </summary>
public sealed class HpaMetricsSnapshot : IHpaMetricsSource
{
    private static readonly TimeSpan DefaultCustomMetricWindow = TimeSpan.FromMinutes(1);

    // Shared empty defaults: most HPAs have only resource metrics, and a snapshot is built per HPA per pass.
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<CustomMetricValue>> NoCustom = new Dictionary<string, IReadOnlyList<CustomMetricValue>>();
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<ExternalMetricValue>> NoExternal = new Dictionary<string, IReadOnlyList<ExternalMetricValue>>();
    private static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>();

    /// <summary>PodMetrics for the HPA's pods; null when the resource metrics API gave nothing (see <see cref="PodMetricsError"/>).</summary>
    public IReadOnlyList<PodUsageSample>? PodMetrics { get; init; }

    /// <summary>Why the resource metrics API could not be read, when <see cref="PodMetrics"/> is null.</summary>
    public string? PodMetricsError { get; init; }

    /// <summary>custom.metrics.k8s.io lists by metric name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CustomMetricValue>> Custom { get; init; } = NoCustom;

    /// <summary>external.metrics.k8s.io lists by metric name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ExternalMetricValue>> External { get; init; } = NoExternal;

    /// <summary>Errors from the custom/external metrics APIs by metric name (e.g. "the server could not find the requested resource").</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = NoErrors;

    public MetricResult<PodMetricsInfo> GetResourceMetric(string resource, string? container)
    {
        if (PodMetrics is null)
            return MetricResult<PodMetricsInfo>.Fail($"unable to fetch metrics from resource metrics API: {PodMetricsError ?? "the server could not find the requested resource (get pods.metrics.k8s.io)"}");
        if (PodMetrics.Count == 0) return MetricResult<PodMetricsInfo>.Fail("no metrics returned from resource metrics API");
        var values = new Dictionary<string, PodMetric>(PodMetrics.Count, StringComparer.Ordinal);
        for (var p = 0; p < PodMetrics.Count; p++) // index loops: no enumerator boxed per pod on the reconcile hot path
        {
            var pod = PodMetrics[p];
            if (string.IsNullOrEmpty(container))
            {
                long sum = 0;
                var missing = pod.Containers.Count == 0;
                for (var i = 0; i < pod.Containers.Count; i++)
                {
                    if (!pod.Containers[i].TryGetMilli(resource, out var milli)) { missing = true; break; }
                    sum += milli;
                }
                if (!missing) values[pod.PodName] = new PodMetric(sum, pod.Timestamp, pod.Window);
            }
            else
            {
                for (var i = 0; i < pod.Containers.Count; i++)
                {
                    var c = pod.Containers[i];
                    if (c.Name == container && c.TryGetMilli(resource, out var milli))
                    {
                        values[pod.PodName] = new PodMetric(milli, pod.Timestamp, pod.Window);
                        break;
                    }
                }
            }
        }
        if (values.Count == 0 && !string.IsNullOrEmpty(container))
            return MetricResult<PodMetricsInfo>.Fail($"failed to get container metrics: container {container} not present in metrics");
        return MetricResult<PodMetricsInfo>.Success(new PodMetricsInfo(values, PodMetrics[0].Timestamp));
    }

    public MetricResult<PodMetricsInfo> GetPodsMetric(string metricName, LabelSelector? metricSelector)
    {
        if (Errors.TryGetValue(metricName, out var error)) return MetricResult<PodMetricsInfo>.Fail(error);
        if (!Custom.TryGetValue(metricName, out var list))
            return MetricResult<PodMetricsInfo>.Fail($"unable to fetch metrics from custom metrics API: no custom metric {metricName} for pods");
        if (list.Count == 0) return MetricResult<PodMetricsInfo>.Fail("no metrics returned from custom metrics API");
        var values = new Dictionary<string, PodMetric>(list.Count, StringComparer.Ordinal);
        foreach (var m in list)
        {
            var window = m.WindowSeconds is { } w ? TimeSpan.FromSeconds(w) : DefaultCustomMetricWindow;
            values[m.DescribedName] = new PodMetric(m.Value.MilliValue(), m.Timestamp, window);
        }
        return MetricResult<PodMetricsInfo>.Success(new PodMetricsInfo(values, list[0].Timestamp));
    }

    public MetricResult<ScalarMetric> GetObjectMetric(string metricName, ObjectReference describedObject, LabelSelector? metricSelector)
    {
        if (Errors.TryGetValue(metricName, out var error)) return MetricResult<ScalarMetric>.Fail(error);
        if (!Custom.TryGetValue(metricName, out var list))
            return MetricResult<ScalarMetric>.Fail($"unable to fetch metrics from custom metrics API: no custom metric {metricName} for {describedObject.Kind} {describedObject.Name}");
        foreach (var m in list)
        {
            if (string.Equals(m.DescribedName, describedObject.Name, StringComparison.Ordinal) &&
                (string.IsNullOrEmpty(m.DescribedKind) || string.Equals(m.DescribedKind, describedObject.Kind, StringComparison.OrdinalIgnoreCase)))
                return MetricResult<ScalarMetric>.Success(new ScalarMetric(m.Value.MilliValue(), m.Timestamp));
        }
        return MetricResult<ScalarMetric>.Fail("no metrics returned from custom metrics API");
    }

    public MetricResult<ExternalMetric> GetExternalMetric(string metricName, LabelSelector? metricSelector)
    {
        if (Errors.TryGetValue(metricName, out var error)) return MetricResult<ExternalMetric>.Fail(error);
        if (!External.TryGetValue(metricName, out var list))
            return MetricResult<ExternalMetric>.Fail($"unable to fetch metrics from external metrics API: no external metric {metricName}");
        if (list.Count == 0) return MetricResult<ExternalMetric>.Fail("no metrics returned from external metrics API");
        var values = new long[list.Count];
        for (var i = 0; i < list.Count; i++) values[i] = list[i].Value.MilliValue();
        return MetricResult<ExternalMetric>.Success(new ExternalMetric(values, list[0].Timestamp));
    }
}
