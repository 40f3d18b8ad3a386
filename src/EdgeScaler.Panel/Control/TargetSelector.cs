namespace EdgeScaler.Panel.Control;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;

/// <summary>
/// Which HPA the buttons act on. Configured targets are fixed in config order; with none configured, the panel
/// offers every HPA the agent reports, in name order. `select` moves to the next one (wrapping).
/// </summary>
public sealed class TargetSelector
{
    private readonly IReadOnlyList<HpaRef> _configured;
    private HpaRef? _current;

    public TargetSelector(IReadOnlyList<HpaRef> configured)
    {
        _configured = configured;
        _current = configured.Count > 0 ? configured[0] : null;
    }

    /// <summary>The targets on offer right now.</summary>
    public IReadOnlyList<HpaRef> Candidates(AgentStatus status) =>
        _configured.Count > 0
            ? _configured
            : status.Decisions.Select(d => d.Hpa).Distinct()
                .OrderBy(h => h.Namespace, StringComparer.Ordinal).ThenBy(h => h.Name, StringComparer.Ordinal).ToList();

    /// <summary>The selected target, or null when there is nothing to drive.</summary>
    public HpaRef? Current(AgentStatus status)
    {
        var candidates = Candidates(status);
        if (candidates.Count == 0) return null;
        if (_current is { } c && candidates.Contains(c)) return c;
        _current = candidates[0];
        return _current;
    }

    /// <summary>Moves to the next target; returns it with its 1-based position (for the blink code).</summary>
    public (HpaRef Target, int Number)? Next(AgentStatus status)
    {
        var candidates = Candidates(status);
        if (candidates.Count == 0) return null;
        var i = _current is { } c ? IndexOf(candidates, c) : -1;
        var next = (i + 1) % candidates.Count;
        _current = candidates[next];
        return (candidates[next], next + 1);
    }

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
