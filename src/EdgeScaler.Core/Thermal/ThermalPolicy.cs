namespace EdgeScaler.Core.Thermal;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;

/// <summary>What an HPA's thermal-policy annotation asks for.</summary>
public enum ThermalPolicyMode { Hold, Shed, Ignore }

/// <summary>The <c>edgescaler.io/thermal-policy</c> annotation: hold (default) | shed | ignore.</summary>
public static class ThermalPolicyAnnotation
{
    public const string Key = "edgescaler.io/thermal-policy";

    /// <summary>The policy an HPA asks for; an unknown value falls back to hold and says why in <paramref name="error"/>.</summary>
    public static ThermalPolicyMode Parse(IReadOnlyDictionary<string, string> annotations, out string? error)
    {
        error = null;
        if (!annotations.TryGetValue(Key, out var raw)) return ThermalPolicyMode.Hold;
        switch (raw.Trim().ToLowerInvariant())
        {
            case "hold" or "": return ThermalPolicyMode.Hold;
            case "shed": return ThermalPolicyMode.Shed;
            case "ignore": return ThermalPolicyMode.Ignore;
            default:
                error = $"annotation {Key}=\"{raw}\" is not one of hold, shed, ignore; using hold";
                return ThermalPolicyMode.Hold;
        }
    }

    public static string ToWire(this ThermalPolicyMode mode) => mode switch
    {
        ThermalPolicyMode.Shed => "shed",
        ThermalPolicyMode.Ignore => "ignore",
        _ => "hold",
    };
}

/// <summary>The thermal picture for one HPA: the nodes hosting its pods and the worst state among them.</summary>
public sealed record HostingThermal(ThermalState Worst, IReadOnlyList<string> Nodes, IReadOnlyList<string> HotNodes)
{
    public static readonly HostingThermal None = new(ThermalState.Unknown, [], []);

    public bool AnyHot => Worst >= ThermalState.Hot;
    public bool AnyCritical => Worst == ThermalState.Critical;

    /// <summary>
    /// The nodes of the HPA's live pods (not Failed, Succeeded or being deleted, and scheduled) and their worst state.
    /// Nodes with no known state do not count.
    /// </summary>
    public static HostingThermal Of(IEnumerable<PodInfo> pods, IReadOnlyDictionary<string, ThermalState> nodeStates)
    {
        // A list, deduplicated and sorted, not a SortedSet: an HPA's pods sit on a handful of nodes, and this runs per HPA per pass.
        var nodes = new List<string>();
        foreach (var p in pods)
        {
            if (p.Deleting || p.Phase is PodPhase.Failed or PodPhase.Succeeded || string.IsNullOrEmpty(p.NodeName)) continue;
            if (!nodes.Contains(p.NodeName)) nodes.Add(p.NodeName);
        }
        nodes.Sort(StringComparer.Ordinal);
        var worst = ThermalState.Unknown;
        var hot = new List<string>();
        foreach (var n in nodes)
        {
            if (!nodeStates.TryGetValue(n, out var s)) continue;
            if (s > worst) worst = s;
            if (s >= ThermalState.Hot) hot.Add(n);
        }
        return new HostingThermal(worst, nodes, hot);
    }
}

/// <summary>
/// What the thermal policy did to the HPA's answer. <see cref="Cap"/> is the most replicas it allows
/// (null when it does not constrain), <see cref="Allowed"/> the replica count after it.
/// </summary>
public sealed record ThermalOutcome(ThermalPolicyMode Policy, ThermalState State, IReadOnlyList<string> Nodes, int? Cap, int Wanted, int Allowed, ScaleMode Mode, string Reason)
{
    public bool Changed => Allowed != Wanted;
}

/// <summary>
/// EdgeScaler's thermal policy, pure. A hot SoC runs slower, its CPU utilization rises, and a plain HPA would add
/// pods onto the same hot boards; this breaks that loop:
/// <list type="bullet">
/// <item><b>hold</b>: while any hosting node is hot or critical, no scale-up (scale-down passes through).</item>
/// <item><b>shed</b>: as hold, and also step down one replica per decision toward minReplicas, no faster than the
/// HPA's scale-down policies allow (a Disabled scale-down stops it).</item>
/// <item><b>ignore</b>: no effect.</item>
/// </list>
/// It never goes below minReplicas (and never holds a target below it).
/// </summary>
public static class ThermalPolicy
{
    public static ThermalOutcome Apply(ThermalPolicyMode policy, HostingThermal hosting, int current, int wanted, int minReplicas,
        HpaBehavior? behavior, HpaHistory history, DateTimeOffset now)
    {
        if (policy == ThermalPolicyMode.Ignore || !hosting.AnyHot)
            return new ThermalOutcome(policy, hosting.Worst, hosting.Nodes, null, wanted, wanted, ScaleMode.Auto,
                policy == ThermalPolicyMode.Ignore ? "thermal policy ignore" : $"hosting nodes {hosting.Worst.ToWire()}");

        var hot = string.Join(", ", hosting.HotNodes);
        var state = hosting.Worst.ToWire();
        var holdCap = Math.Max(current, minReplicas);
        if (policy == ThermalPolicyMode.Hold)
        {
            var allowed = Math.Min(wanted, holdCap);
            var reason = allowed < wanted
                ? $"hold: {hot} {state}; HPA wanted {wanted}, holding at {allowed}"
                : $"hold: {hot} {state}; no scale-up while hot";
            return new ThermalOutcome(policy, hosting.Worst, hosting.Nodes, holdCap, wanted, allowed, allowed < wanted ? ScaleMode.ThermalHold : ScaleMode.Auto, reason);
        }

        // shed: one step down from current, if the scale-down policies allow a step now.
        var rules = (behavior ?? new HpaBehavior(null, null)).WithDefaults().ScaleDown!;
        var limit = Normalization.ScaleDownLimit(current, history.ScaleUpEvents, history.ScaleDownEvents, rules, now);
        var step = limit <= current - 1 ? current - 1 : current;
        var shedCap = Math.Max(minReplicas, Math.Min(step, holdCap));
        var shedAllowed = Math.Max(minReplicas, Math.Min(wanted, shedCap));
        string shedReason;
        if (shedAllowed < wanted)
            shedReason = $"shed: {hot} {state}; HPA wanted {wanted}, stepping down to {shedAllowed}";
        else if (current <= minReplicas)
            shedReason = $"shed: {hot} {state}; already at minReplicas {minReplicas}";
        else
            shedReason = step == current ? $"shed: {hot} {state}; scale-down policies allow no step now" : $"shed: {hot} {state}";
        return new ThermalOutcome(policy, hosting.Worst, hosting.Nodes, shedCap, wanted, shedAllowed,
            shedAllowed < wanted ? ScaleMode.ThermalShed : ScaleMode.Auto, shedReason);
    }
}
