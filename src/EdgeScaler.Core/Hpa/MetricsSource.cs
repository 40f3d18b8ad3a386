namespace EdgeScaler.Core.Hpa;

/// <summary>One pod's value for a metric, in milli-units, with the sample's time and window (upstream's PodMetric).</summary>
public readonly record struct PodMetric(long Value, DateTimeOffset Timestamp, TimeSpan Window);

/// <summary>A metrics fetch: either a value or the error text upstream would wrap into the condition message.</summary>
public readonly struct MetricResult<T>
{
    private MetricResult(T? value, string? error) { Value = value; Error = error; }

    public T? Value { get; }
    public string? Error { get; }
    public bool Ok => Error is null;

    public static MetricResult<T> Success(T value) => new(value, null);
    public static MetricResult<T> Fail(string error) => new(default, error);
}

/// <summary>A pod-metric fetch: values by pod name and the timestamp upstream reports (the first item's).</summary>
public sealed record PodMetricsInfo(IReadOnlyDictionary<string, PodMetric> Values, DateTimeOffset Timestamp);

/// <summary>An object or external metric fetch: the value(s) in milli-units and their timestamp.</summary>
public sealed record ScalarMetric(long Value, DateTimeOffset Timestamp);

public sealed record ExternalMetric(IReadOnlyList<long> Values, DateTimeOffset Timestamp);

/// <summary>
/// Where the algorithm reads metrics for one HPA (its namespace and pod selector are already fixed):
/// the four metric clients of upstream's REST metrics client, synchronously, so the algorithm stays pure.
/// The Scaler builds one from the cluster view (and custom/external metrics APIs); `explain` from a bundle.
/// </summary>
public interface IHpaMetricsSource
{
    /// <summary>metrics.k8s.io per-pod usage of <paramref name="resource"/>, summed over containers, or one container's.</summary>
    MetricResult<PodMetricsInfo> GetResourceMetric(string resource, string? container);

    /// <summary>custom.metrics.k8s.io per-pod values of a Pods metric.</summary>
    MetricResult<PodMetricsInfo> GetPodsMetric(string metricName, LabelSelector? metricSelector);

    /// <summary>custom.metrics.k8s.io value of an Object metric for the described object.</summary>
    MetricResult<ScalarMetric> GetObjectMetric(string metricName, ObjectReference describedObject, LabelSelector? metricSelector);

    /// <summary>external.metrics.k8s.io values (one per returned series).</summary>
    MetricResult<ExternalMetric> GetExternalMetric(string metricName, LabelSelector? metricSelector);
}
