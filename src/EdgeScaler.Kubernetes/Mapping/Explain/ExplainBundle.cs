namespace EdgeScaler.Kubernetes.Mapping.Explain;

using System.Globalization;
using System.Text.Json;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Core.Units;
using EdgeScaler.Kubernetes.Rest;
using k8s.Models;

/// <summary>A node's thermal state as an explain bundle gives it.</summary>
public sealed record ExplainNode(string Name, double? TemperatureCelsius, ThermalState State, bool Throttled);

/// <summary>Everything `edgescaler explain` needs, parsed: the algorithm input plus nodes and an override.</summary>
public sealed record ExplainRequest(HpaInput Input, IReadOnlyList<ExplainNode> Nodes, ActiveOverride? Override)
{
    /// <summary>Why the HPA's override annotations were ignored (the controller logs the same and ignores them too).</summary>
    public string? OverrideWarning { get; init; }

    public IReadOnlyDictionary<string, ThermalState> NodeStates => Nodes.ToDictionary(n => n.Name, n => n.State, StringComparer.Ordinal);
}

/// <summary>
/// Reads an explain bundle (explain-format.md): one JSON object whose fields are what kubectl prints
/// (<c>kubectl get hpa -o json</c>, the /scale subresource, a PodList, a PodMetricsList, custom/external metric
/// lists) plus optional history, controller settings, node states and an override. Every problem becomes a
/// <see cref="MappingException"/> whose path names the JSON field at fault (e.g. "pods.items[2].status.startTime").
/// </summary>
public static class ExplainBundle
{
    public static ExplainRequest Parse(string json, DateTimeOffset defaultNow)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw new MappingException("$", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new MappingException("$", "expected a JSON object with hpa, scale, pods, …");

            var now = defaultNow;
            if (Optional(root, "now") is { } nowEl) now = Time(nowEl, "now");

            var hpaModel = Model<V2HorizontalPodAutoscaler>(Required(root, "hpa"), "hpa");
            var hpa = HpaMapper.ToCoreAt(hpaModel, "hpa");
            var scale = ScaleMapper.ToCore(Model<V1Scale>(Required(root, "scale"), "scale"));

            var pods = new List<PodInfo>();
            var (podItems, podsPath) = MetricsMapper.Items(Required(root, "pods"), "pods");
            var i = 0;
            foreach (var p in podItems)
            {
                var path = $"{podsPath}[{i++}]";
                pods.Add(PodMapper.ToCore(Model<V1Pod>(p, path), path));
            }

            var metrics = new HpaMetricsSnapshot
            {
                PodMetrics = Optional(root, "podMetrics") is { } pm ? PodMetricsList(pm) : null,
                PodMetricsError = "no podMetrics in the explain input",
                Custom = NamedLists(root, "customMetrics", MetricsMapper.CustomMetricValues),
                External = NamedLists(root, "externalMetrics", MetricsMapper.ExternalMetricValues),
            };

            var history = Optional(root, "history") is { } h ? History(h)
                : Optional(root, "historyConfigMap") is { } cm ? HistoryFromConfigMap(cm, hpa.Ref, hpaModel.Metadata?.Uid ?? "")
                : HpaHistory.Empty;
            var settings = Optional(root, "controller") is { } c ? Controller(c) : HpaSettings.Default;
            var nodes = Optional(root, "nodes") is { } n ? Nodes(n) : [];
            // An "override" field (even null) says what to assume; without it, the HPA's own annotations are read
            // exactly as the controller reads them (a malformed annotation is ignored, as the controller does).
            string? overrideWarning = null;
            var active = root.TryGetProperty("override", out var o) ? Override(o, now) : OverrideAnnotations.Parse(hpa.Annotations, out overrideWarning);

            var input = new HpaInput(hpa, scale, pods, metrics, history, now) { Settings = settings };
            return new ExplainRequest(input, nodes, active) { OverrideWarning = overrideWarning };
        }
    }

    private static List<PodUsageSample> PodMetricsList(JsonElement el)
    {
        var result = new List<PodUsageSample>();
        var (items, path) = MetricsMapper.Items(el, "podMetrics");
        var i = 0;
        foreach (var item in items)
        {
            var p = $"{path}[{i++}]";
            result.Add(MetricsMapper.PodMetricsFromJson(item, p));
        }
        return result;
    }

    private static Dictionary<string, IReadOnlyList<T>> NamedLists<T>(JsonElement root, string name, Func<JsonElement, string, List<T>> read)
    {
        var result = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        if (Optional(root, name) is not { } el) return result;
        if (el.ValueKind != JsonValueKind.Object) throw new MappingException(name, "expected an object of metric name → list");
        foreach (var kv in el.EnumerateObject()) result[kv.Name] = read(kv.Value, $"{name}.{kv.Name}");
        return result;
    }

    private static HpaHistory History(JsonElement el)
    {
        if (el.ValueKind != JsonValueKind.Object) throw new MappingException("history", "expected an object");
        var recs = new List<TimestampedRecommendation>();
        foreach (var (item, p) in Array(el, "recommendations", "history"))
            recs.Add(new TimestampedRecommendation(Int(Required(item, "replicas", p), $"{p}.replicas", 0), Time(Required(item, "timestamp", p), $"{p}.timestamp")));
        return new HpaHistory(recs, Events(el, "scaleUpEvents"), Events(el, "scaleDownEvents"));
    }

    /// <summary>
    /// The controller's persisted memory (<c>kubectl get configmap -n kube-system edgescaler-hpa-history -o json</c>):
    /// this HPA's entry, or none — as the controller does, an entry written for another HPA of the same name (a
    /// different uid: deleted and recreated) is not this HPA's history.
    /// </summary>
    private static HpaHistory HistoryFromConfigMap(JsonElement el, Core.Scaling.HpaRef hpa, string uid)
    {
        var cm = Model<V1ConfigMap>(el, "historyConfigMap");
        var key = EdgeScaler.Kubernetes.History.HistoryStore.KeyOf(hpa);
        if (cm.Data is null || !cm.Data.TryGetValue(key, out var text)) return HpaHistory.Empty;
        if (!EdgeScaler.Kubernetes.History.HistoryCodec.TryParse(text, out var entryUid, out var history, out var error))
            throw new MappingException($"historyConfigMap.data.{key}", error);
        return uid.Length > 0 && entryUid != uid ? HpaHistory.Empty : history;
    }

    private static List<ScaleEvent> Events(JsonElement el, string name)
    {
        var list = new List<ScaleEvent>();
        foreach (var (item, p) in Array(el, name, "history"))
            list.Add(new ScaleEvent(Int(Required(item, "replicaChange", p), $"{p}.replicaChange", 0), Time(Required(item, "timestamp", p), $"{p}.timestamp")));
        return list;
    }

    private static HpaSettings Controller(JsonElement el)
    {
        if (el.ValueKind != JsonValueKind.Object) throw new MappingException("controller", "expected an object");
        var s = HpaSettings.Default;
        if (Optional(el, "tolerance") is { } t)
        {
            if (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out var tol) || tol < 0 || !double.IsFinite(tol))
                throw new MappingException("controller.tolerance", "expected a number ≥ 0");
            s = s with { Tolerance = tol };
        }
        if (Optional(el, "cpuInitializationPeriod") is { } cpu) s = s with { CpuInitializationPeriod = Duration(cpu, "controller.cpuInitializationPeriod") };
        if (Optional(el, "initialReadinessDelay") is { } rd) s = s with { InitialReadinessDelay = Duration(rd, "controller.initialReadinessDelay") };
        if (Optional(el, "downscaleStabilizationWindow") is { } dw) s = s with { DownscaleStabilizationWindow = Duration(dw, "controller.downscaleStabilizationWindow") };
        return s;
    }

    private static List<ExplainNode> Nodes(JsonElement el)
    {
        if (el.ValueKind != JsonValueKind.Array) throw new MappingException("nodes", "expected an array");
        var list = new List<ExplainNode>();
        var i = 0;
        foreach (var n in el.EnumerateArray())
        {
            var p = $"nodes[{i++}]";
            var name = String(Required(n, "name", p), $"{p}.name");
            double? temp = null;
            if (Optional(n, "temperatureCelsius") is { } te)
            {
                if (te.ValueKind != JsonValueKind.Number) throw new MappingException($"{p}.temperatureCelsius", "expected a number");
                temp = te.GetDouble();
            }
            var stateText = String(Required(n, "state", p), $"{p}.state");
            var state = stateText.ToLowerInvariant() switch
            {
                "cool" => ThermalState.Cool,
                "warm" => ThermalState.Warm,
                "hot" => ThermalState.Hot,
                "critical" => ThermalState.Critical,
                "unknown" => ThermalState.Unknown,
                _ => throw new MappingException($"{p}.state", $"\"{stateText}\" is not one of cool, warm, hot, critical, unknown"),
            };
            var throttled = Optional(n, "throttled") is { } th && th.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new MappingException($"{p}.throttled", "expected true or false"),
            };
            list.Add(new ExplainNode(name, temp, state, throttled));
        }
        return list;
    }

    private static ActiveOverride? Override(JsonElement el, DateTimeOffset now)
    {
        if (el.ValueKind == JsonValueKind.Null) return null;
        if (el.ValueKind != JsonValueKind.Object) throw new MappingException("override", "expected an object or null");
        var replicas = Int(Required(el, "replicas", "override"), "override.replicas", int.MinValue);
        if (OverrideLimits.ValidateReplicas(replicas) is { } error) throw new MappingException("override.replicas", error);
        DateTimeOffset? until = Optional(el, "until") is { } u ? Time(u, "override.until") : null;
        var source = OverrideSource.Cli;
        if (Optional(el, "source") is { } s && !ActiveOverride.TryParseSource(String(s, "override.source"), out source))
            throw new MappingException("override.source", $"\"{s.GetString()}\" is not one of cli, mqtt, panel");
        var force = Optional(el, "force") is { ValueKind: JsonValueKind.True };
        var setAt = Optional(el, "setAt") is { } sa ? Time(sa, "override.setAt") : now;
        return new ActiveOverride(replicas, until, source, setAt, force);
    }

    // ---- small JSON helpers with paths -----------------------------------------------------------------

    private static T Model<T>(JsonElement el, string path)
    {
        if (el.ValueKind != JsonValueKind.Object) throw new MappingException(path, "expected a JSON object");
        try
        {
            return KubeJson.Deserialize<T>(el) ?? throw new MappingException(path, "empty");
        }
        catch (JsonException e)
        {
            var inner = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : e.Path[1..];
            throw new MappingException(path + inner, FirstSentence(e.InnerException?.Message ?? e.Message));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new MappingException(path, e.Message);
        }
    }

    private static JsonElement Required(JsonElement obj, string name, string? parent = null)
    {
        var path = parent is null ? name : $"{parent}.{name}";
        if (obj.ValueKind != JsonValueKind.Object) throw new MappingException(parent ?? "$", "expected an object");
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new MappingException(path, "missing (required)");
        return v;
    }

    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static IEnumerable<(JsonElement Item, string Path)> Array(JsonElement obj, string name, string parent)
    {
        if (Optional(obj, name) is not { } arr) yield break;
        if (arr.ValueKind != JsonValueKind.Array) throw new MappingException($"{parent}.{name}", "expected an array");
        var i = 0;
        foreach (var item in arr.EnumerateArray()) yield return (item, $"{parent}.{name}[{i++}]");
    }

    private static int Int(JsonElement el, string path, int min)
    {
        if (el.ValueKind != JsonValueKind.Number || !el.TryGetInt32(out var v)) throw new MappingException(path, "expected a whole number");
        if (v < min) throw new MappingException(path, $"must be at least {min} (got {v})");
        return v;
    }

    private static string String(JsonElement el, string path) =>
        el.ValueKind == JsonValueKind.String ? el.GetString()! : throw new MappingException(path, "expected a string");

    private static DateTimeOffset Time(JsonElement el, string path)
    {
        var text = String(el, path);
        if (!OverrideAnnotations.TryParseTime(text, out var t)) throw new MappingException(path, $"\"{text}\" is not an RFC 3339 time");
        return t;
    }

    private static TimeSpan Duration(JsonElement el, string path)
    {
        var text = String(el, path);
        if (!GoDuration.TryParseNanoseconds(text, out var ns, out var error)) throw new MappingException(path, error ?? $"\"{text}\" is not a duration");
        if (ns < 0) throw new MappingException(path, "must not be negative");
        return GoDuration.FromNanoseconds(ns);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
