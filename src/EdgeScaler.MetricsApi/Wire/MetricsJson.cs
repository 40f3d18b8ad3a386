namespace EdgeScaler.MetricsApi.Wire;

using System.Text.Json;
using EdgeScaler.Core.Metrics;

/// <summary>
/// Writes NodeMetrics/PodMetrics (and their lists) exactly as metrics-server does: kind/apiVersion on the
/// top-level object only, <c>metadata: {}</c> on lists, <c>items: []</c> never null, creationTimestamp = response
/// time, timestamp/window from the samples, usage with exactly cpu and memory. Written by hand with
/// Utf8JsonWriter: no reflection, no intermediate objects.
/// </summary>
public static class MetricsJson
{
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText ApiVersion = JsonEncodedText.Encode("apiVersion");
    private static readonly JsonEncodedText Metadata = JsonEncodedText.Encode("metadata");
    private static readonly JsonEncodedText Items = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Namespace = JsonEncodedText.Encode("namespace");
    private static readonly JsonEncodedText CreationTimestamp = JsonEncodedText.Encode("creationTimestamp");
    private static readonly JsonEncodedText Labels = JsonEncodedText.Encode("labels");
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText Window = JsonEncodedText.Encode("window");
    private static readonly JsonEncodedText Containers = JsonEncodedText.Encode("containers");
    private static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    private static readonly JsonEncodedText Cpu = JsonEncodedText.Encode("cpu");
    private static readonly JsonEncodedText Memory = JsonEncodedText.Encode("memory");

    public static void WriteNodeList(Utf8JsonWriter w, MetricsApiVersion v, IEnumerable<NodeUsage> nodes, DateTimeOffset now) =>
        WriteList(w, "NodeMetricsList", v, nodes, now, WriteNode);

    public static void WriteNode(Utf8JsonWriter w, MetricsApiVersion v, NodeUsage node, DateTimeOffset now) =>
        WriteNode(w, node, WireFormat.Time(now), v);

    public static void WritePodList(Utf8JsonWriter w, MetricsApiVersion v, IEnumerable<PodUsage> pods, DateTimeOffset now) =>
        WriteList(w, "PodMetricsList", v, pods, now, WritePod);

    public static void WritePod(Utf8JsonWriter w, MetricsApiVersion v, PodUsage pod, DateTimeOffset now) =>
        WritePod(w, pod, WireFormat.Time(now), v);

    private static void WriteList<T>(Utf8JsonWriter w, string kind, MetricsApiVersion v, IEnumerable<T> items, DateTimeOffset now,
        Action<Utf8JsonWriter, T, string, MetricsApiVersion?> writeItem)
    {
        w.WriteStartObject();
        WriteTypeMeta(w, kind, v);
        w.WriteStartObject(Metadata); w.WriteEndObject();
        w.WriteStartArray(Items);
        var created = WireFormat.Time(now);
        foreach (var item in items) writeItem(w, item, created, null); // list items carry no kind/apiVersion
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter w, NodeUsage n, string created, MetricsApiVersion? topLevel)
    {
        WriteItemHead(w, "NodeMetrics", topLevel, n.NodeName, null, created, n.Labels, n.Timestamp, n.Window);
        WriteUsage(w, n.Usage);
        w.WriteEndObject();
    }

    private static void WritePod(Utf8JsonWriter w, PodUsage p, string created, MetricsApiVersion? topLevel)
    {
        WriteItemHead(w, "PodMetrics", topLevel, p.Pod.Name, p.Pod.Namespace, created, p.Pod.Labels, p.Timestamp, p.Window);
        w.WriteStartArray(Containers);
        foreach (var c in p.Containers)
        {
            w.WriteStartObject();
            w.WriteString(Name, c.Name);
            WriteUsage(w, c.Usage);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>What NodeMetrics and PodMetrics share: the opening brace through <c>window</c>; the caller writes the rest and closes.</summary>
    private static void WriteItemHead(Utf8JsonWriter w, string kind, MetricsApiVersion? topLevel, string name, string? @namespace,
        string created, IReadOnlyDictionary<string, string> labels, DateTimeOffset timestamp, TimeSpan window)
    {
        w.WriteStartObject();
        if (topLevel is { } v) WriteTypeMeta(w, kind, v);
        w.WriteStartObject(Metadata);
        w.WriteString(Name, name);
        if (@namespace is not null) w.WriteString(Namespace, @namespace);
        w.WriteString(CreationTimestamp, created);
        WriteLabels(w, labels);
        w.WriteEndObject();
        w.WriteString(Timestamp, WireFormat.Time(timestamp));
        w.WriteString(Window, WireFormat.Window(window));
    }

    private static void WriteTypeMeta(Utf8JsonWriter w, string kind, MetricsApiVersion v)
    {
        w.WriteString(Kind, kind);
        w.WriteString(ApiVersion, v.GroupVersion());
    }

    // Keys sorted as Go's encoding/json sorts map keys, so equal label sets give equal bytes.
    private static void WriteLabels(Utf8JsonWriter w, IReadOnlyDictionary<string, string> labels)
    {
        var count = labels.Count;
        if (count == 0) return;
        w.WriteStartObject(Labels);
        if (count == 1)
        {
            foreach (var (k, val) in labels) w.WriteString(k, val);
        }
        else
        {
            var pairs = System.Buffers.ArrayPool<KeyValuePair<string, string>>.Shared.Rent(count);
            var n = 0;
            foreach (var pair in labels) pairs[n++] = pair;
            Array.Sort(pairs, 0, n, LabelKeyOrder.Instance);
            for (var i = 0; i < n; i++) w.WriteString(pairs[i].Key, pairs[i].Value);
            System.Buffers.ArrayPool<KeyValuePair<string, string>>.Shared.Return(pairs, clearArray: true);
        }
        w.WriteEndObject();
    }

    private sealed class LabelKeyOrder : IComparer<KeyValuePair<string, string>>
    {
        public static readonly LabelKeyOrder Instance = new();

        public int Compare(KeyValuePair<string, string> x, KeyValuePair<string, string> y) => string.CompareOrdinal(x.Key, y.Key);
    }

    private static void WriteUsage(Utf8JsonWriter w, ResourceUsage u)
    {
        w.WriteStartObject(Usage);
        w.WriteString(Cpu, WireFormat.Cpu(u.CpuNanoCores));
        w.WriteString(Memory, WireFormat.Memory(u.MemoryWorkingSetBytes));
        w.WriteEndObject();
    }
}
