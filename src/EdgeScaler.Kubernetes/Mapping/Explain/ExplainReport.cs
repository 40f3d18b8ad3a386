namespace EdgeScaler.Kubernetes.Mapping.Explain;

using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Thermal;

/// <summary>Renders a <see cref="ScalingOutcome"/> as explain-format.md's JSON object or as one line per step.</summary>
public static class ExplainReport
{
    public static string Json(ExplainRequest request, ScalingOutcome o)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var hpa = o.Hpa;
            w.WriteStartObject();
            w.WriteNumber("currentReplicas", hpa.CurrentReplicas);
            WriteNullableInt(w, "recommendedReplicas", hpa.RecommendedReplicas);
            WriteNullableInt(w, "stabilizedReplicas", hpa.StabilizedReplicas);
            w.WriteNumber("desiredReplicas", o.DesiredReplicas);

            w.WriteStartArray("metrics");
            foreach (var m in hpa.Metrics)
            {
                w.WriteStartObject();
                w.WriteString("type", m.Spec.TypeText);
                w.WriteString("name", MetricLabel(m.Spec));
                WriteNullableInt(w, "proposal", m.Proposal);
                if (m.CurrentAverageUtilization is { } u) w.WriteNumber("currentAverageUtilization", u);
                if (m.CurrentAverageValue is { } av) w.WriteString("currentAverageValue", av.ToString());
                if (m.CurrentValue is { } v) w.WriteString("currentValue", v.ToString());
                if (m.Pods is { } pods)
                {
                    w.WriteStartObject("pods");
                    WriteNames(w, "ready", pods.Ready);
                    WriteNames(w, "unready", pods.Unready);
                    WriteNames(w, "missing", pods.Missing);
                    WriteNames(w, "ignored", pods.Ignored);
                    w.WriteEndObject();
                }
                if (m.Error is { } e) w.WriteString("error", e);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("conditions");
            foreach (var c in hpa.Conditions)
            {
                w.WriteStartObject();
                w.WriteString("type", c.Type);
                w.WriteString("status", c.Status.ToString());
                w.WriteString("reason", c.Reason);
                w.WriteString("message", c.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartObject("thermal");
            w.WriteString("policy", o.Thermal.Policy.ToWire());
            w.WriteString("state", o.Thermal.State.ToWire());
            WriteNullableInt(w, "cap", o.Thermal.Cap);
            WriteNames(w, "nodes", o.Thermal.Nodes);
            w.WriteEndObject();

            if (request.Override is { } active)
            {
                w.WriteStartObject("override");
                w.WriteNumber("replicas", active.Replicas);
                if (active.Until is { } until) w.WriteString("until", OverrideAnnotations.FormatTime(until)); else w.WriteNull("until");
                w.WriteString("source", ActiveOverride.SourceToWire(active.Source));
                w.WriteBoolean("active", o.Override is not null);
                if (o.Override is { } applied)
                {
                    w.WriteNumber("pinned", applied.Pinned);
                    w.WriteNumber("allowed", applied.Allowed);
                }
                w.WriteEndObject();
            }
            else w.WriteNull("override");

            w.WriteStartObject("historyAfter");
            w.WriteStartArray("recommendations");
            foreach (var r in o.HistoryAfter.Recommendations)
            {
                w.WriteStartObject();
                w.WriteNumber("replicas", r.Replicas);
                w.WriteString("timestamp", OverrideAnnotations.FormatTime(r.Timestamp));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteEvents(w, "scaleUpEvents", o.HistoryAfter.ScaleUpEvents);
            WriteEvents(w, "scaleDownEvents", o.HistoryAfter.ScaleDownEvents);
            w.WriteEndObject();

            if (hpa.Error is { } error) w.WriteString("error", error); else w.WriteNull("error");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The same decision for a human: one line per step.</summary>
    public static string Text(ExplainRequest request, ScalingOutcome o)
    {
        var input = request.Input;
        var spec = input.Hpa.Spec;
        var hpa = o.Hpa;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"hpa {input.Hpa.Ref} → {spec.ScaleTargetRef.Kind}/{spec.ScaleTargetRef.Name}: {hpa.CurrentReplicas} replicas now, min {spec.EffectiveMinReplicas}, max {spec.MaxReplicas}, at {OverrideAnnotations.FormatTime(input.Now)}");
        if (hpa.RecommendedReplicas is null && hpa.Metrics.Count == 0 && hpa.Error is null)
            sb.AppendLine(CultureInfo.InvariantCulture, $"metrics: not evaluated ({hpa.RescaleReason ?? Find(hpa, HpaConditions.ScalingActive)?.Message ?? "shortcut"})");
        foreach (var m in hpa.Metrics)
        {
            var label = $"{m.Spec.TypeText} {MetricLabel(m.Spec)}";
            if (m.Error is { } e) { sb.AppendLine(CultureInfo.InvariantCulture, $"metric {label}: failed: {e}"); continue; }
            var now = m.CurrentAverageUtilization is { } u
                ? $"{u}% of request (average {m.CurrentAverageValue}) against a {m.Spec.Target.AverageUtilization}% target"
                : m.CurrentValue is { } v ? $"value {v} against {m.Spec.Target.Value}"
                : $"average {m.CurrentAverageValue} against {m.Spec.Target.AverageValue}";
            var pods = m.Pods is { } p ? $" [pods: {p.Ready.Count} ready, {p.Unready.Count} unready, {p.Missing.Count} missing, {p.Ignored.Count} ignored]" : "";
            sb.AppendLine(CultureInfo.InvariantCulture, $"metric {label}: {now} → {m.Proposal} replicas{pods}");
        }
        if (hpa.RecommendedReplicas is { } rec) sb.AppendLine(CultureInfo.InvariantCulture, $"recommended: {rec} (highest metric proposal)");
        if (hpa.StabilizedReplicas is { } st)
        {
            var able = Find(hpa, HpaConditions.AbleToScale);
            sb.AppendLine(CultureInfo.InvariantCulture, $"stabilized: {st} ({able?.Reason}: {able?.Message})");
        }
        if (Find(hpa, HpaConditions.ScalingLimited) is { } limited && hpa.StabilizedReplicas is not null)
            sb.AppendLine(CultureInfo.InvariantCulture, $"limits: {hpa.DesiredReplicas} ({limited.Reason}: {limited.Message})");
        if (Find(hpa, HpaConditions.ScalingActive) is { Status: ConditionStatus.False } inactive)
            sb.AppendLine(CultureInfo.InvariantCulture, $"scaling active: no ({inactive.Reason}: {inactive.Message})");
        if (hpa.Error is { } error) sb.AppendLine(CultureInfo.InvariantCulture, $"error: {error}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"upstream HPA: {hpa.DesiredReplicas}");
        var nodes = o.Thermal.Nodes.Count == 0 ? "no known hosting nodes" : string.Join(", ", o.Thermal.Nodes.Select(n => $"{n} ({(request.NodeStates.TryGetValue(n, out var s) ? s.ToWire() : "unknown")})"));
        sb.AppendLine(CultureInfo.InvariantCulture, $"thermal: policy {o.Thermal.Policy.ToWire()}, {nodes} → {(o.Thermal.Changed ? $"{o.Thermal.Allowed} ({o.Thermal.Reason})" : $"no change ({o.Thermal.Reason})")}");
        if (o.PolicyWarning is { } warning) sb.AppendLine(CultureInfo.InvariantCulture, $"warning: {warning}");
        sb.AppendLine(o.Override is { } ov ? $"override: {ov.Reason} → {ov.Allowed}"
            : request.Override is not null ? "override: expired, not applied" : "override: none");
        if (request.OverrideWarning is { } ignored) sb.AppendLine(CultureInfo.InvariantCulture, $"warning: override annotations ignored: {ignored}");
        var last = o.IsRescale
            ? $"desired: {o.DesiredReplicas} — would scale {hpa.CurrentReplicas} → {o.DesiredReplicas} ({(o.Decision.Reason.Length > 0 ? o.Decision.Reason : "no reason, as upstream: only the stabilization window moved the count")})"
            : $"desired: {o.DesiredReplicas} — no change ({o.Decision.Reason})";
        sb.AppendLine(last);
        return sb.ToString();
    }

    /// <summary>A metric's name as users write it: the resource (cpu) or the metric name.</summary>
    public static string MetricLabel(MetricSpec spec) => spec.Type switch
    {
        MetricSourceType.Resource => spec.ResourceName ?? "",
        MetricSourceType.ContainerResource => $"{spec.ResourceName}/{spec.Container}",
        MetricSourceType.Unknown => spec.TypeText,
        _ => spec.MetricName ?? "",
    };

    private static HpaCondition? Find(HpaResult r, string type) => r.Conditions.FirstOrDefault(c => c.Type == type);

    private static void WriteNullableInt(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    private static void WriteNames(Utf8JsonWriter w, string name, IReadOnlyList<string> names)
    {
        w.WriteStartArray(name);
        foreach (var n in names) w.WriteStringValue(n);
        w.WriteEndArray();
    }

    private static void WriteEvents(Utf8JsonWriter w, string name, IReadOnlyList<ScaleEvent> events)
    {
        w.WriteStartArray(name);
        foreach (var e in events)
        {
            w.WriteStartObject();
            w.WriteNumber("replicaChange", e.ReplicaChange);
            w.WriteString("timestamp", OverrideAnnotations.FormatTime(e.Timestamp));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
