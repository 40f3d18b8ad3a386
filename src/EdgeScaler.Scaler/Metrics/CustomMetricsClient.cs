namespace EdgeScaler.Scaler.Metrics;

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Units;
using EdgeScaler.Kubernetes.Rest;

/// <summary>
/// Reads Pods/Object metrics from custom.metrics.k8s.io (v1beta2) and External metrics from
/// external.metrics.k8s.io (v1beta1) when an adapter (Prometheus Adapter, KEDA) serves them, the way upstream's
/// REST metrics client does. Failures become the per-metric error text upstream puts into FailedGet*Metric.
/// </summary>
public sealed class CustomMetricsClient(KubeRest rest)
{
    public const string CustomGroupVersion = "custom.metrics.k8s.io/v1beta2";
    public const string ExternalGroupVersion = "external.metrics.k8s.io/v1beta1";

    /// <summary>Fetches what the HPA's Pods/Object/External metrics need into the snapshot's lists (by metric name).</summary>
    public async Task FillAsync(string ns, string? podSelector, IReadOnlyList<MetricSpec> metrics,
        Dictionary<string, IReadOnlyList<CustomMetricValue>> custom,
        Dictionary<string, IReadOnlyList<ExternalMetricValue>> external,
        Dictionary<string, string> errors, CancellationToken ct)
    {
        foreach (var m in metrics)
        {
            if (m.MetricName is not { Length: > 0 } name) continue;
            try
            {
                switch (m.Type)
                {
                    case MetricSourceType.Pods:
                    {
                        var path = $"/apis/{CustomGroupVersion}/namespaces/{Uri.EscapeDataString(ns)}/pods/*/{Uri.EscapeDataString(name)}"
                                   + Query(("labelSelector", podSelector), ("metricLabelSelector", SelectorQuery(m.MetricSelector)));
                        custom[name] = ParseCustom(await rest.GetJsonAsync(path, ct).ConfigureAwait(false));
                        break;
                    }
                    case MetricSourceType.Object when m.DescribedObject is { } obj:
                    {
                        var path = $"/apis/{CustomGroupVersion}/namespaces/{Uri.EscapeDataString(ns)}/{ResourceOf(obj.Kind)}/{Uri.EscapeDataString(obj.Name)}/{Uri.EscapeDataString(name)}"
                                   + Query(("metricLabelSelector", SelectorQuery(m.MetricSelector)));
                        var values = ParseCustom(await rest.GetJsonAsync(path, ct).ConfigureAwait(false));
                        // One object per name: keep every described object we asked for under the metric name.
                        custom[name] = custom.TryGetValue(name, out var existing) ? [.. existing, .. values] : values;
                        break;
                    }
                    case MetricSourceType.External:
                    {
                        var path = $"/apis/{ExternalGroupVersion}/namespaces/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}"
                                   + Query(("labelSelector", SelectorQuery(m.MetricSelector)));
                        external[name] = ParseExternal(await rest.GetJsonAsync(path, ct).ConfigureAwait(false));
                        break;
                    }
                }
            }
            catch (KubeApiException e)
            {
                var api = m.Type == MetricSourceType.External ? "external metrics API" : "custom metrics API";
                errors[name] = $"unable to fetch metrics from {api}: {e.ApiMessage}";
            }
            catch (FormatException e)
            {
                errors[name] = $"unable to parse metrics response: {e.Message}";
            }
        }
    }

    private static string ResourceOf(string kind) => kind.ToLowerInvariant() switch
    {
        "ingress" => "ingresses",
        "endpoints" => "endpoints",
        var k when k.EndsWith('s') => k + "es",
        var k when k.EndsWith('y') => k[..^1] + "ies",
        var k => k + "s",
    };

    private static string Query(params (string Key, string? Value)[] parts)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in parts)
        {
            if (string.IsNullOrEmpty(v)) continue;
            sb.Append(sb.Length == 0 ? '?' : '&').Append(k).Append('=').Append(Uri.EscapeDataString(v));
        }
        return sb.ToString();
    }

    /// <summary>A metric LabelSelector as the selector string the API takes (matchLabels then matchExpressions).</summary>
    public static string? SelectorQuery(LabelSelector? selector)
    {
        if (selector is null) return null;
        var parts = new List<string>();
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>()) parts.Add($"{k}={v}");
        foreach (var r in selector.MatchExpressions ?? [])
            parts.Add(r.Operator switch
            {
                "In" => $"{r.Key} in ({string.Join(',', r.Values)})",
                "NotIn" => $"{r.Key} notin ({string.Join(',', r.Values)})",
                "Exists" => r.Key,
                "DoesNotExist" => "!" + r.Key,
                _ => $"{r.Key} {r.Operator} ({string.Join(',', r.Values)})",
            });
        return parts.Count == 0 ? null : string.Join(',', parts);
    }

    private static IReadOnlyList<CustomMetricValue> ParseCustom(JsonNode? list)
    {
        var result = new List<CustomMetricValue>();
        foreach (var item in (list?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var described = item["describedObject"] as JsonObject;
            result.Add(new CustomMetricValue(
                described?["kind"]?.GetValue<string>() ?? "",
                described?["name"]?.GetValue<string>() ?? "",
                ParseQuantity(item["value"]),
                ParseTime(item["timestamp"]),
                item["windowSeconds"] is JsonValue w && w.TryGetValue<long>(out var ws) ? (int)ws : null));
        }
        return result;
    }

    private static IReadOnlyList<ExternalMetricValue> ParseExternal(JsonNode? list)
    {
        var result = new List<ExternalMetricValue>();
        foreach (var item in (list?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var labels = (item["metricLabels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "");
            result.Add(new ExternalMetricValue(ParseQuantity(item["value"]), ParseTime(item["timestamp"]), labels));
        }
        return result;
    }

    private static Quantity ParseQuantity(JsonNode? node)
    {
        var text = node is JsonValue v ? v.ToString() : null;
        return Quantity.TryParse(text, out var q, out var error) ? q : throw new FormatException($"bad quantity \"{text}\": {error}");
    }

    private static DateTimeOffset ParseTime(JsonNode? node) =>
        node is JsonValue v && DateTimeOffset.TryParse(v.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw new FormatException($"bad timestamp \"{node}\"");
}
