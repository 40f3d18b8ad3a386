namespace EdgeScaler.Simulation.Scenarios;

using System.Globalization;
using System.Text.Json;
using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Thermal;

/// <summary>
/// Parses a scenario file (format: boards/scenarios/README.md). Every problem is reported with its JSON path,
/// all at once, in a <see cref="ScenarioException"/>.
/// </summary>
public static class ScenarioParser
{
    /// <summary>The date a scenario starts on when it only gives a time of day: a summer day.</summary>
    public static readonly DateTimeOffset DefaultDate = new(2026, 7, 21, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Cooling> Coolings = new() { ["none"] = Cooling.None, ["heatsink"] = Cooling.Heatsink, ["fan"] = Cooling.Fan };
    private static readonly Dictionary<string, ThermalPolicyName> Policies = new() { ["hold"] = ThermalPolicyName.Hold, ["shed"] = ThermalPolicyName.Shed, ["ignore"] = ThermalPolicyName.Ignore };

    public static Scenario Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ScenarioException(source, [$"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"]);
        }
        using (doc)
        {
            var w = new JsonWalker();
            var scenario = ReadScenario(doc.RootElement, w);
            if (w.Errors.Count > 0 || scenario is null) throw new ScenarioException(source, w.Errors);
            return scenario;
        }
    }

    public static Scenario Load(string path) => Parse(File.ReadAllText(path), path);

    private static Scenario? ReadScenario(JsonElement root, JsonWalker w)
    {
        const string p = "$";
        if (!w.Object(root, p, "$schema", "name", "description", "duration", "tick", "start", "seed", "ambient", "nodes", "workloads")) return null;
        var name = w.String(root, p, "name", required: true) ?? "";
        var description = w.String(root, p, "description") ?? "";
        var duration = w.Duration(root, p, "duration", positive: true) ?? TimeSpan.FromHours(2);
        var tick = w.Duration(root, p, "tick", positive: true) ?? TimeSpan.FromSeconds(1);
        if (tick > TimeSpan.FromSeconds(15)) w.Error($"{p}.tick", "must be at most 15s (the HPA sync period)");
        var start = ReadStart(root, p, w);
        var seed = w.Int(root, p, "seed", min: 0) ?? 1;
        var ambient = JsonWalker.TryGet(root, "ambient", out var amb) ? ReadCurve(amb, $"{p}.ambient", w) : new ConstantCurve(25);

        var nodes = new List<NodeSpec>();
        if (!JsonWalker.TryGet(root, "nodes", out var nodesEl) || nodesEl.ValueKind != JsonValueKind.Array || nodesEl.GetArrayLength() == 0)
            w.Error($"{p}.nodes", "required: a non-empty array of nodes");
        else
        {
            var i = 0;
            foreach (var n in nodesEl.EnumerateArray()) nodes.AddRange(ReadNodes(n, $"{p}.nodes[{i++}]", w));
            foreach (var dup in nodes.GroupBy(n => n.Name).Where(g => g.Count() > 1))
                w.Error($"{p}.nodes", $"node name '{dup.Key}' is used more than once");
        }

        var workloads = new List<WorkloadSpec>();
        if (!JsonWalker.TryGet(root, "workloads", out var wlEl) || wlEl.ValueKind != JsonValueKind.Array || wlEl.GetArrayLength() == 0)
            w.Error($"{p}.workloads", "required: a non-empty array of workloads");
        else
        {
            var i = 0;
            foreach (var wl in wlEl.EnumerateArray())
                if (ReadWorkload(wl, $"{p}.workloads[{i++}]", w) is { } spec) workloads.Add(spec);
            foreach (var dup in workloads.GroupBy(x => $"{x.Namespace}/{x.Name}").Where(g => g.Count() > 1))
                w.Error($"{p}.workloads", $"workload '{dup.Key}' is defined more than once");
        }
        if (ambient is null) return null;
        return new Scenario(name, description, duration, tick, start, (ulong)seed, ambient, nodes, workloads);
    }

    private static DateTimeOffset ReadStart(JsonElement root, string p, JsonWalker w)
    {
        var text = w.String(root, p, "start");
        if (text is null) return DefaultDate.AddHours(12);
        if (TryTimeOfDay(text, out var tod)) return DefaultDate + tod;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt)) return dt;
        w.Error($"{p}.start", $"expected a time of day like \"13:00\" or an ISO 8601 timestamp, got \"{text}\"");
        return DefaultDate.AddHours(12);
    }

    private static bool TryTimeOfDay(string text, out TimeSpan tod) =>
        TimeSpan.TryParseExact(text, ["h\\:mm", "hh\\:mm", "hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out tod) && tod < TimeSpan.FromDays(1);

    private static IEnumerable<NodeSpec> ReadNodes(JsonElement n, string p, JsonWalker w)
    {
        if (!w.Object(n, p, "name", "count", "board", "cooling", "systemCpu", "initialTemperature", "thermalResistance", "timeConstant")) yield break;
        var name = w.String(n, p, "name", required: true);
        var count = w.Int(n, p, "count", min: 1, max: 1024) ?? 1;
        var boardId = w.String(n, p, "board", required: true);
        BoardThermalModel? board = null;
        if (boardId is not null && (board = BoardCatalog.Find(boardId)) is null)
            w.Error($"{p}.board", $"unknown board '{boardId}' (known: {BoardCatalog.KnownIds})");
        var cooling = w.Enum(n, p, "cooling", Coolings) ?? Cooling.None;
        var systemCpu = w.CpuMilli(n, p, "systemCpu") ?? 150;
        var initial = w.Number(n, p, "initialTemperature", min: -40, max: 120);
        var r = w.Number(n, p, "thermalResistance", min: 0.1, max: 100);
        var tau = w.Duration(n, p, "timeConstant", positive: true);
        if (name is null || board is null) yield break;
        if (systemCpu / 1000.0 >= board.Cores) w.Error($"{p}.systemCpu", $"must be less than the board's {board.Cores} cores");
        var heat = board.For(cooling);
        heat = new CoolingParameters(r ?? heat.ThermalResistance, tau?.TotalSeconds ?? heat.TimeConstant);
        for (var i = 1; i <= count; i++)
            yield return new NodeSpec(count == 1 ? name : $"{name}-{i}", board, cooling, heat, systemCpu / 1000.0, initial);
    }

    private static WorkloadSpec? ReadWorkload(JsonElement e, string p, JsonWalker w)
    {
        if (!w.Object(e, p, "name", "namespace", "cpuPerRequest", "timeout", "noise", "replicas", "pod", "demand", "hpa")) return null;
        var name = w.String(e, p, "name", required: true);
        if (name is not null && !IsDnsLabel(name)) w.Error($"{p}.name", $"'{name}' is not a valid Kubernetes name (lowercase letters, digits and '-')");
        var ns = w.String(e, p, "namespace") ?? "default";
        var cpuPerRequest = w.Duration(e, p, "cpuPerRequest", required: true, positive: true);
        var timeout = w.Duration(e, p, "timeout", positive: true) ?? TimeSpan.FromSeconds(30);
        var noise = w.Number(e, p, "noise", min: 0, max: 0.5) ?? 0.03;
        var pod = JsonWalker.TryGet(e, "pod", out var podEl) ? ReadPod(podEl, $"{p}.pod", w) : null;
        if (pod is null && !JsonWalker.TryGet(e, "pod", out _)) w.Error($"{p}.pod", "required");
        var demand = JsonWalker.TryGet(e, "demand", out var dEl) ? ReadCurve(dEl, $"{p}.demand", w) : null;
        if (!JsonWalker.TryGet(e, "demand", out _)) w.Error($"{p}.demand", "required");
        var hpa = JsonWalker.TryGet(e, "hpa", out var hEl) ? ReadHpa(hEl, $"{p}.hpa", w) : null;
        if (!JsonWalker.TryGet(e, "hpa", out _)) w.Error($"{p}.hpa", "required");
        var replicas = w.Int(e, p, "replicas", min: 0, max: 1000);
        if (name is null || cpuPerRequest is null || pod is null || demand is null || hpa is null) return null;
        return new WorkloadSpec(name, ns, cpuPerRequest.Value.TotalSeconds, timeout, noise, replicas ?? hpa.MinReplicas, pod, demand, hpa);
    }

    private static PodSpec? ReadPod(JsonElement e, string p, JsonWalker w)
    {
        if (!w.Object(e, p, "cpuRequest", "cpuLimit", "memoryRequest", "memoryUsage", "idleCpu", "startup", "readiness")) return null;
        var req = w.CpuMilli(e, p, "cpuRequest", required: true);
        var limit = w.CpuMilli(e, p, "cpuLimit");
        var memReq = w.Bytes(e, p, "memoryRequest") ?? 64L << 20;
        var memUse = w.Bytes(e, p, "memoryUsage") ?? memReq * 3 / 4;
        var idle = w.CpuMilli(e, p, "idleCpu") ?? 5;
        var startup = w.Duration(e, p, "startup") ?? TimeSpan.FromSeconds(10);
        var readiness = w.Duration(e, p, "readiness") ?? TimeSpan.FromSeconds(5);
        if (req is 0) w.Error($"{p}.cpuRequest", "must be greater than zero (the HPA's utilization is relative to it)");
        if (req is { } r && limit is { } l && l < r) w.Error($"{p}.cpuLimit", $"must be at least cpuRequest ({r}m), got {l}m");
        if (limit is { } l2 && idle >= l2) w.Error($"{p}.idleCpu", $"must be less than cpuLimit ({l2}m)");
        if (req is null || req == 0) return null;
        return new PodSpec(req.Value, limit, memReq, memUse, idle / 1000.0, startup, readiness);
    }

    private static ScenarioHpa? ReadHpa(JsonElement e, string p, JsonWalker w)
    {
        if (!w.Object(e, p, "minReplicas", "maxReplicas", "targetCpuUtilization", "thermalPolicy", "behavior")) return null;
        var min = w.Int(e, p, "minReplicas", min: 1, max: 1000) ?? 1;
        var max = w.Int(e, p, "maxReplicas", required: true, min: 1, max: 1000);
        var target = w.Int(e, p, "targetCpuUtilization", min: 1, max: 1000) ?? 80;
        var policy = w.Enum(e, p, "thermalPolicy", Policies) ?? ThermalPolicyName.Hold;
        if (max is { } mx && mx < min) w.Error($"{p}.maxReplicas", $"must be at least minReplicas ({min}), got {mx}");
        BehaviorSpec? behavior = null;
        if (JsonWalker.TryGet(e, "behavior", out var b) && w.Object(b, $"{p}.behavior", "scaleUp", "scaleDown"))
            behavior = new BehaviorSpec(
                JsonWalker.TryGet(b, "scaleUp", out var up) ? ReadRules(up, $"{p}.behavior.scaleUp", w) : null,
                JsonWalker.TryGet(b, "scaleDown", out var down) ? ReadRules(down, $"{p}.behavior.scaleDown", w) : null);
        if (max is null) return null;
        return new ScenarioHpa(min, max.Value, target, policy, behavior);
    }

    private static ScalingRulesSpec? ReadRules(JsonElement e, string p, JsonWalker w)
    {
        if (!w.Object(e, p, "stabilizationWindowSeconds", "selectPolicy", "policies")) return null;
        var window = w.Int(e, p, "stabilizationWindowSeconds", min: 0, max: 3600);
        var select = w.String(e, p, "selectPolicy");
        if (select is not null and not ("Max" or "Min" or "Disabled")) w.Error($"{p}.selectPolicy", $"unknown value '{select}' (expected one of: Max, Min, Disabled)");
        List<ScalingPolicySpec>? policies = null;
        if (JsonWalker.TryGet(e, "policies", out var arr))
        {
            if (arr.ValueKind != JsonValueKind.Array) w.Error($"{p}.policies", "expected an array");
            else
            {
                policies = [];
                var i = 0;
                foreach (var pol in arr.EnumerateArray())
                {
                    var pp = $"{p}.policies[{i++}]";
                    if (!w.Object(pol, pp, "type", "value", "periodSeconds")) continue;
                    var type = w.String(pol, pp, "type", required: true);
                    if (type is not null and not ("Pods" or "Percent")) w.Error($"{pp}.type", $"unknown value '{type}' (expected Pods or Percent)");
                    var value = w.Int(pol, pp, "value", required: true, min: 1);
                    var period = w.Int(pol, pp, "periodSeconds", required: true, min: 1, max: 1800);
                    if (type is not null && value is not null && period is not null) policies.Add(new ScalingPolicySpec(type, value.Value, period.Value));
                }
            }
        }
        return new ScalingRulesSpec(window, select, policies);
    }

    internal static Curve? ReadCurve(JsonElement e, string p, JsonWalker w)
    {
        if (e.ValueKind == JsonValueKind.Number) return new ConstantCurve(e.GetDouble());
        if (e.ValueKind != JsonValueKind.Object) { w.Error(p, $"expected a curve object or a number, got {JsonWalker.Describe(e)}"); return null; }
        var kind = w.String(e, p, "kind", required: true);
        switch (kind)
        {
            case "constant":
                if (!w.Object(e, p, "kind", "value")) return null;
                return w.Number(e, p, "value", required: true) is { } v ? new ConstantCurve(v) : null;
            case "steps":
            {
                if (!w.Object(e, p, "kind", "steps")) return null;
                if (!JsonWalker.TryGet(e, "steps", out var arr) || arr.ValueKind != JsonValueKind.Array || arr.GetArrayLength() == 0)
                { w.Error($"{p}.steps", "required: a non-empty array of {\"at\": ..., \"value\": ...}"); return null; }
                var steps = new List<(TimeSpan, double)>();
                var i = 0;
                foreach (var s in arr.EnumerateArray())
                {
                    var sp = $"{p}.steps[{i++}]";
                    if (!w.Object(s, sp, "at", "value")) continue;
                    var at = w.Duration(s, sp, "at", required: true);
                    var value = w.Number(s, sp, "value", required: true);
                    if (at is null || value is null) continue;
                    if (steps.Count > 0 && at.Value <= steps[^1].Item1) w.Error($"{sp}.at", "steps must be in increasing time order");
                    steps.Add((at.Value, value.Value));
                }
                return new StepsCurve(steps);
            }
            case "spike":
            {
                if (!w.Object(e, p, "kind", "base", "peak", "at", "length", "ramp")) return null;
                var b = w.Number(e, p, "base", required: true);
                var peak = w.Number(e, p, "peak", required: true);
                var at = w.Duration(e, p, "at", required: true);
                var length = w.Duration(e, p, "length", required: true, positive: true);
                var ramp = w.Duration(e, p, "ramp") ?? TimeSpan.Zero;
                return b is null || peak is null || at is null || length is null ? null : new SpikeCurve(b.Value, peak.Value, at.Value, length.Value, ramp);
            }
            case "sine":
            {
                if (!w.Object(e, p, "kind", "mean", "amplitude", "period", "peakAt")) return null;
                var mean = w.Number(e, p, "mean", required: true);
                var amp = w.Number(e, p, "amplitude", required: true);
                var period = w.Duration(e, p, "period", positive: true) ?? TimeSpan.FromDays(1);
                var peakText = w.String(e, p, "peakAt") ?? "15:00";
                if (!TryTimeOfDay(peakText, out var peakAt)) { w.Error($"{p}.peakAt", $"expected a time of day like \"15:00\", got \"{peakText}\""); return null; }
                return mean is null || amp is null ? null : new SineCurve(mean.Value, amp.Value, period, peakAt);
            }
            case "sum":
            {
                if (!w.Object(e, p, "kind", "parts")) return null;
                if (!JsonWalker.TryGet(e, "parts", out var arr) || arr.ValueKind != JsonValueKind.Array || arr.GetArrayLength() == 0)
                { w.Error($"{p}.parts", "required: a non-empty array of curves"); return null; }
                var parts = new List<Curve>();
                var i = 0;
                foreach (var part in arr.EnumerateArray()) if (ReadCurve(part, $"{p}.parts[{i++}]", w) is { } c) parts.Add(c);
                return new SumCurve(parts);
            }
            case null:
                return null;
            default:
                w.Error($"{p}.kind", $"unknown curve kind '{kind}' (expected one of: constant, steps, spike, sine, sum)");
                return null;
        }
    }

    private static bool IsDnsLabel(string s) =>
        s.Length is > 0 and <= 63 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && s[0] != '-' && s[^1] != '-';

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
