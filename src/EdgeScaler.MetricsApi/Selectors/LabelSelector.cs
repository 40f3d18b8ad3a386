namespace EdgeScaler.MetricsApi.Selectors;

/// <summary>The operators of the Kubernetes label selector grammar (equality-based and set-based).</summary>
public enum SelectorOperator { Exists, DoesNotExist, Equals, NotEquals, In, NotIn, GreaterThan, LessThan }

/// <summary>One term of a selector, e.g. <c>tier in (fe,be)</c> or <c>!canary</c>.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case SelectorOperator.Exists: return has;
            case SelectorOperator.DoesNotExist: return !has;
            case SelectorOperator.Equals:
            case SelectorOperator.In: return has && Contains(value!);
            // Like kube-apiserver: a missing label satisfies != and notin.
            case SelectorOperator.NotEquals:
            case SelectorOperator.NotIn: return !has || !Contains(value!);
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (!has || !long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)) return false;
                var bound = long.Parse(Values[0], System.Globalization.CultureInfo.InvariantCulture);
                return Operator == SelectorOperator.GreaterThan ? n > bound : n < bound;
            default: return false;
        }
    }

    private bool Contains(string value)
    {
        foreach (var v in Values) if (string.Equals(v, value, StringComparison.Ordinal)) return true;
        return false;
    }
}

/// <summary>
/// A parsed Kubernetes label selector (<c>app=web,tier in (fe),!canary</c>). All requirements must hold.
/// The empty selector matches everything. Parsing follows apimachinery's labels.Parse: same lexer symbols,
/// same operators, same key/value validation, and an error that names what was expected.
/// </summary>
public sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in Requirements) if (!r.Matches(labels)) return false;
        return true;
    }

    /// <summary>Parses a selector; null or whitespace is <see cref="Everything"/>.</summary>
    /// <exception cref="SelectorParseException">The text is not a valid selector.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var parser = new LabelSelectorParser(text);
        return new LabelSelector(parser.ParseAll());
    }

    public override string ToString() => string.Join(",", Requirements.Select(Format));

    private static string Format(LabelRequirement r) => r.Operator switch
    {
        SelectorOperator.Exists => r.Key,
        SelectorOperator.DoesNotExist => "!" + r.Key,
        SelectorOperator.Equals => $"{r.Key}={r.Values[0]}",
        SelectorOperator.NotEquals => $"{r.Key}!={r.Values[0]}",
        SelectorOperator.In => $"{r.Key} in ({string.Join(",", r.Values)})",
        SelectorOperator.NotIn => $"{r.Key} notin ({string.Join(",", r.Values)})",
        SelectorOperator.GreaterThan => $"{r.Key}>{r.Values[0]}",
        _ => $"{r.Key}<{r.Values[0]}",
    };
}
