namespace EdgeScaler.Panel.Control;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;

/// <summary>
/// Which HPA the buttons act on. Configured targets are fixed in config order; with none configured, the panel
/// offers every HPA the agent reports, in name order. `select` moves to the next one (wrapping).
/// Thread-safe: the LED loop reads <see cref="Current"/> while the button handler calls <see cref="Next"/> and
/// <see cref="Confirm"/>. Reading never changes the selection, so an LED frame computed from an older status (one
/// without a just-selected HPA) cannot undo a selection.
/// </summary>
public sealed class TargetSelector
{
    private readonly IReadOnlyList<HpaRef> _configured;
    // HpaRef? is three words: without the lock a reader could see the namespace of one target and the name of another.
    private readonly Lock _gate = new();
    private HpaRef? _selected;

    public TargetSelector(IReadOnlyList<HpaRef> configured)
    {
        _configured = configured;
        _selected = configured.Count > 0 ? configured[0] : null;
    }

    /// <summary>The targets on offer right now.</summary>
    public IReadOnlyList<HpaRef> Candidates(AgentStatus status) =>
        _configured.Count > 0
            ? _configured
            : status.Decisions.Select(d => d.Hpa).Distinct()
                .OrderBy(h => h.Namespace, StringComparer.Ordinal).ThenBy(h => h.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The target shown and acted on: the selected one while it is on offer, otherwise the first candidate; null when
    /// there is nothing to drive. Changes nothing.
    /// </summary>
    public HpaRef? Current(AgentStatus status)
    {
        var candidates = Candidates(status);
        lock (_gate) return Effective(candidates);
    }

    /// <summary>The target a press acts on (<see cref="Current"/>), which from then on stays the selection.</summary>
    public HpaRef? Confirm(AgentStatus status)
    {
        var candidates = Candidates(status);
        lock (_gate)
        {
            var target = Effective(candidates);
            if (target is not null) _selected = target;
            return target;
        }
    }

    /// <summary>Moves to the next target; returns it with its 1-based position (for the blink code).</summary>
    public (HpaRef Target, int Number)? Next(AgentStatus status)
    {
        var candidates = Candidates(status);
        if (candidates.Count == 0) return null;
        lock (_gate)
        {
            var next = (IndexOf(candidates, Effective(candidates)!.Value) + 1) % candidates.Count;
            _selected = candidates[next];
            return (candidates[next], next + 1);
        }
    }

    private HpaRef? Effective(IReadOnlyList<HpaRef> candidates) =>
        candidates.Count == 0 ? null : _selected is { } s && Contains(candidates, s) ? s : candidates[0];

    private static bool Contains(IReadOnlyList<HpaRef> list, HpaRef item) => IndexOf(list, item) >= 0;

    private static int IndexOf(IReadOnlyList<HpaRef> list, HpaRef item)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }

    /// <summary>Parses "namespace/name" entries; returns the bad ones in <paramref name="errors"/>.</summary>
    public static IReadOnlyList<HpaRef> ParseTargets(IEnumerable<string> entries, out IReadOnlyList<string> errors)
    {
        var refs = new List<HpaRef>();
        var bad = new List<string>();
        foreach (var e in entries)
        {
            if (HpaRef.TryParse(e, out var h)) { if (!refs.Contains(h)) refs.Add(h); }
            else bad.Add($"panel.targets: \"{e}\" is not \"namespace/name\"");
        }
        errors = bad;
        return refs;
    }
}
