namespace EdgeScaler.MetricsApi.Wire;

using System.Text.Json;
using EdgeScaler.Core.Metrics;

/// <summary>
/// Writes NodeMetrics/PodMetrics (and their lists) exactly as metrics-server does: kind/apiVersion on the
/// top-level object only, <c>metadata: {}</c> on lists, <c>items: []</c> never null, creationTimestamp = response
/// time, timestamp/window from the samples, usage with exactly cpu and memory. Written by hand with
/// Utf8JsonWriter: no reflection, no intermediate objects on the hot path.
/// </summary>
public static class MetricsJson
{
    public static void WriteNodeList(Utf8JsonWriter w, MetricsApiVersion v, IEnumerable<NodeUsage> nodes, DateTimeOffset now)
    {
        w.WriteStartObject();
        WriteTypeMeta(w, "NodeMetricsList", v);
        w.WriteStartObject("metadata"); w.WriteEndObject();
        w.WriteStartArray("items");
        var created = WireFormat.Time(now);
        foreach (var n in nodes) WriteNodeBody(w, n, created, null);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteNode(Utf8JsonWriter w, MetricsApiVersion v, NodeUsage node, DateTimeOffset now) =>
        WriteNodeBody(w, node, WireFormat.Time(now), v);

    public static void WritePodList(Utf8JsonWriter w, MetricsApiVersion v, IEnumerable<PodUsage> pods, DateTimeOffset now)
    {
        w.WriteStartObject();
        WriteTypeMeta(w, "PodMetricsList", v);
        w.WriteStartObject("metadata"); w.WriteEndObject();
        w.WriteStartArray("items");
        var created = WireFormat.Time(now);
        foreach (var p in pods) WritePodBody(w, p, created, null);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WritePod(Utf8JsonWriter w, MetricsApiVersion v, PodUsage pod, DateTimeOffset now) =>
        WritePodBody(w, pod, WireFormat.Time(now), v);

    private static void WriteNodeBody(Utf8JsonWriter w, NodeUsage n, string created, MetricsApiVersion? topLevel)
    {
        w.WriteStartObject();
        if (topLevel is { } v) WriteTypeMeta(w, "NodeMetrics", v);
        w.WriteStartObject("metadata");
        w.WriteString("name", n.NodeName);
        w.WriteString("creationTimestamp", created);
        WriteLabels(w, n.Labels);
        w.WriteEndObject();
        w.WriteString("timestamp", WireFormat.Time(n.Timestamp));
        w.WriteString("window", WireFormat.Window(n.Window));
        WriteUsage(w, n.Usage);
        w.WriteEndObject();
    }

    private static void WritePodBody(Utf8JsonWriter w, PodUsage p, string created, MetricsApiVersion? topLevel)
    {
        w.WriteStartObject();
        if (topLevel is { } v) WriteTypeMeta(w, "PodMetrics", v);
        w.WriteStartObject("metadata");
        w.WriteString("name", p.Pod.Name);
        w.WriteString("namespace", p.Pod.Namespace);
        w.WriteString("creationTimestamp", created);
        WriteLabels(w, p.Pod.Labels);
        w.WriteEndObject();
        w.WriteString("timestamp", WireFormat.Time(p.Timestamp));
        w.WriteString("window", WireFormat.Window(p.Window));
        w.WriteStartArray("containers");
        foreach (var c in p.Containers)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            WriteUsage(w, c.Usage);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTypeMeta(Utf8JsonWriter w, string kind, MetricsApiVersion v)
    {
        w.WriteString("kind", kind);
        w.WriteString("apiVersion", v.GroupVersion());
    }

    private static void WriteLabels(Utf8JsonWriter w, IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0) return;
        w.WriteStartObject("labels");
        foreach (var (k, val) in labels.OrderBy(l => l.Key, StringComparer.Ordinal)) w.WriteString(k, val);
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, ResourceUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteString("cpu", WireFormat.Cpu(u.CpuNanoCores));
        w.WriteString("memory", WireFormat.Memory(u.MemoryWorkingSetBytes));
        w.WriteEndObject();
    }
}
