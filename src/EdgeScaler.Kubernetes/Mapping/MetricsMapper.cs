namespace EdgeScaler.Kubernetes.Mapping;

using System.Globalization;
using System.Text.Json;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Units;
using k8s.Models;

/// <summary>
/// metrics.k8s.io PodMetrics → <see cref="PodUsageSample"/>, and the custom/external metrics APIs' lists
/// (MetricValueList, ExternalMetricValueList — not in KubernetesClient's models) read with JsonDocument, AOT-safe.
/// </summary>
public static class MetricsMapper
{
    public static PodUsageSample ToCore(PodMetrics m, string path = "podMetrics")
    {
        var name = m.Metadata?.Name;
        if (string.IsNullOrEmpty(name)) throw new MappingException($"{path}.metadata.name", "missing");
        var containers = new List<ContainerUsageSample>();
        for (var i = 0; i < (m.Containers?.Count ?? 0); i++)
        {
            var c = m.Containers![i];
            var usage = QuantityMapping.ToQuantities(c.Usage, $"{path}.containers[{i}].usage");
            Quantity? cpu = usage.Remove("cpu", out var cpuValue) ? cpuValue : null;
            Quantity? memory = usage.Remove("memory", out var memoryValue) ? memoryValue : null;
            containers.Add(new ContainerUsageSample(c.Name, cpu, memory) { Other = usage.Count > 0 ? usage : null });
        }
        return new PodUsageSample(name, PodMapper.ToOffset(m.Timestamp) ?? DateTimeOffset.MinValue, ParseWindow(m.Window, $"{path}.window"), containers);
    }

    /// <summary>
    /// A PodMetrics item read straight from JSON: KubernetesClient.Aot's source-generated context has no metadata for
    /// PodMetrics, so it cannot be deserialized AOT-safely through KubernetesJson.
    /// </summary>
    public static PodUsageSample PodMetricsFromJson(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new MappingException(path, "expected an object");
        var name = item.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object ? OptString(meta, "name", $"{path}.metadata") : null;
        if (string.IsNullOrEmpty(name)) throw new MappingException($"{path}.metadata.name", "missing");
        var window = OptString(item, "window", path);
        var containers = new List<ContainerUsageSample>();
        if (item.TryGetProperty("containers", out var cs) && cs.ValueKind != JsonValueKind.Null)
        {
            if (cs.ValueKind != JsonValueKind.Array) throw new MappingException($"{path}.containers", "expected an array");
            var i = 0;
            foreach (var c in cs.EnumerateArray())
            {
                var cp = $"{path}.containers[{i++}]";
                if (c.ValueKind != JsonValueKind.Object) throw new MappingException(cp, "expected an object");
                var cname = OptString(c, "name", cp) ?? throw new MappingException($"{cp}.name", "missing");
                var usage = new Dictionary<string, Quantity>(StringComparer.Ordinal);
                if (c.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
                    foreach (var kv in u.EnumerateObject()) usage[kv.Name] = RequiredQuantity(u, kv.Name, $"{cp}.usage");
                Quantity? cpu = usage.Remove("cpu", out var cpuValue) ? cpuValue : null;
                Quantity? memory = usage.Remove("memory", out var memoryValue) ? memoryValue : null;
                containers.Add(new ContainerUsageSample(cname, cpu, memory) { Other = usage.Count > 0 ? usage : null });
            }
        }
        return new PodUsageSample(name, RequiredTime(item, "timestamp", path), ParseWindow(window, $"{path}.window"), containers);
    }

    private static TimeSpan ParseWindow(string? window, string path)
    {
        if (string.IsNullOrEmpty(window)) return TimeSpan.Zero;
        if (!GoDuration.TryParse(window, out var w)) throw new MappingException(path, $"\"{window}\" is not a duration");
        return w;
    }

    /// <summary>Items of a custom.metrics.k8s.io MetricValueList (or a bare array of MetricValue).</summary>
    public static List<CustomMetricValue> CustomMetricValues(JsonElement list, string path)
    {
        var result = new List<CustomMetricValue>();
        var (items, itemsPath) = Items(list, path);
        var i = 0;
        foreach (var item in items)
        {
            var p = $"{itemsPath}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new MappingException(p, "expected an object");
            var described = item.TryGetProperty("describedObject", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            var kind = described.ValueKind == JsonValueKind.Object ? OptString(described, "kind", $"{p}.describedObject") ?? "" : "";
            var name = described.ValueKind == JsonValueKind.Object ? OptString(described, "name", $"{p}.describedObject") : null;
            if (string.IsNullOrEmpty(name)) throw new MappingException($"{p}.describedObject.name", "missing");
            int? windowSeconds = null;
            if (item.TryGetProperty("windowSeconds", out var ws) && ws.ValueKind != JsonValueKind.Null)
            {
                if (ws.ValueKind != JsonValueKind.Number || !ws.TryGetInt32(out var w) || w < 0) throw new MappingException($"{p}.windowSeconds", "expected a non-negative whole number");
                windowSeconds = w;
            }
            result.Add(new CustomMetricValue(kind, name, RequiredQuantity(item, "value", p), RequiredTime(item, "timestamp", p), windowSeconds));
        }
        return result;
    }

    /// <summary>Items of an external.metrics.k8s.io ExternalMetricValueList (or a bare array).</summary>
    public static List<ExternalMetricValue> ExternalMetricValues(JsonElement list, string path)
    {
        var result = new List<ExternalMetricValue>();
        var (items, itemsPath) = Items(list, path);
        var i = 0;
        foreach (var item in items)
        {
            var p = $"{itemsPath}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new MappingException(p, "expected an object");
            Dictionary<string, string>? labels = null;
            if (item.TryGetProperty("metricLabels", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                labels = [];
                foreach (var kv in l.EnumerateObject()) labels[kv.Name] = kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText();
            }
            result.Add(new ExternalMetricValue(RequiredQuantity(item, "value", p), RequiredTime(item, "timestamp", p), labels));
        }
        return result;
    }

    /// <summary>A list object's items, a `kind: List`, or a bare array — the three shapes kubectl prints.</summary>
    public static (JsonElement.ArrayEnumerator Items, string Path) Items(JsonElement list, string path)
    {
        if (list.ValueKind == JsonValueKind.Array) return (list.EnumerateArray(), path);
        if (list.ValueKind == JsonValueKind.Object && list.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Null) return (default, $"{path}.items");
            if (items.ValueKind == JsonValueKind.Array) return (items.EnumerateArray(), $"{path}.items");
            throw new MappingException($"{path}.items", "expected an array");
        }
        throw new MappingException(path, "expected a list object with \"items\" or an array");
    }

    private static string? OptString(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new MappingException($"{path}.{name}", "expected a string");
        return v.GetString();
    }

    private static Quantity RequiredQuantity(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var v)) throw new MappingException($"{path}.{name}", "missing");
        var text = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new MappingException($"{path}.{name}", "expected a quantity string"),
        };
        if (!Quantity.TryParse(text, out var q, out var error)) throw new MappingException($"{path}.{name}", error);
        return q;
    }

    private static DateTimeOffset RequiredTime(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) throw new MappingException($"{path}.{name}", "missing RFC 3339 time");
        if (!DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw new MappingException($"{path}.{name}", $"\"{v.GetString()}\" is not an RFC 3339 time");
        return t;
    }
}
