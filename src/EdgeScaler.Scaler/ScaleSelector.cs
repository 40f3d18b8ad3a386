namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Hpa;

/// <summary>
/// A Scale's selector string, parsed once and kept while the string stays the same (it changes only with the
/// workload's spec), with its plain key=value terms for the pass's pod index.
/// </summary>
internal sealed record ScaleSelector(string Text, Selector Selector, (string Key, string Value)[] PlainTerms)
{
    /// <summary>The parsed selector, or null when it does not parse (the algorithm reports InvalidSelector).</summary>
    public static ScaleSelector? TryParse(string text) =>
        Selector.TryParse(text, out var selector, out _) ? new ScaleSelector(text, selector, PlainTermsOf(text)) : null;

    /// <summary>The "key=value" / "key==value" terms (not "!=", set-based or spaced ones): each must hold for a match.</summary>
    private static (string Key, string Value)[] PlainTermsOf(string selectorText)
    {
        var terms = new List<(string, string)>();
        foreach (var range in selectorText.AsSpan().Split(','))
        {
            var term = selectorText.AsSpan(range.Start.Value, range.End.Value - range.Start.Value).Trim();
            var eq = term.IndexOf('=');
            if (eq <= 0 || term[eq - 1] == '!' || term.Contains(' ') || term.Contains('(')) continue;
            var valueStart = eq + 1 < term.Length && term[eq + 1] == '=' ? eq + 2 : eq + 1;
            terms.Add((term[..eq].ToString(), term[valueStart..].ToString()));
        }
        return [.. terms];
    }
}
