namespace EdgeScaler.Core.Hpa;

using System.Text;

/// <summary>One matchExpressions entry: key, operator (In, NotIn, Exists, DoesNotExist), values.</summary>
public sealed record LabelSelectorRequirement(string Key, string Operator, IReadOnlyList<string> Values);

/// <summary>
/// A metav1.LabelSelector (matchLabels + matchExpressions), as metric selectors carry it.
/// <see cref="ToGoString"/> prints it the way upstream's messages do (Go's %+v of the generated type).
/// </summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string>? MatchLabels, IReadOnlyList<LabelSelectorRequirement>? MatchExpressions)
{
    /// <summary>Checks operators and value counts as LabelSelectorAsSelector does; null when valid.</summary>
    public string? Validate()
    {
        foreach (var r in MatchExpressions ?? [])
        {
            switch (r.Operator)
            {
                case "In" or "NotIn":
                    if (r.Values.Count == 0) return "for 'in', 'notin' operators, values set can't be empty";
                    break;
                case "Exists" or "DoesNotExist":
                    if (r.Values.Count != 0) return "values set must be empty for exists and does not exist";
                    break;
                default:
                    return $"\"{r.Operator}\" is not a valid label selector operator";
            }
        }
        return null;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (k, v) in MatchLabels ?? PodLabelsNone)
            if (!labels.TryGetValue(k, out var actual) || actual != v) return false;
        foreach (var r in MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(r.Key, out var actual);
            var ok = r.Operator switch
            {
                "In" => has && r.Values.Contains(actual!),
                "NotIn" => !has || !r.Values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static readonly IReadOnlyDictionary<string, string> PodLabelsNone = new Dictionary<string, string>();

    /// <summary>
    /// Go's "%+v" of a *metav1.LabelSelector, e.g.
    /// <c>&amp;LabelSelector{MatchLabels:map[string]string{queue: jobs,},MatchExpressions:[]LabelSelectorRequirement{},}</c>; "nil" for null.
    /// Upstream puts this into External metric names and error messages.
    /// </summary>
    public static string ToGoString(LabelSelector? selector)
    {
        if (selector is null) return "nil";
        var sb = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
        foreach (var k in (selector.MatchLabels?.Keys ?? []).Order(StringComparer.Ordinal))
            sb.Append(k).Append(": ").Append(selector.MatchLabels![k]).Append(',');
        sb.Append("},MatchExpressions:[]LabelSelectorRequirement{");
        foreach (var r in selector.MatchExpressions ?? [])
            sb.Append("LabelSelectorRequirement{Key:").Append(r.Key).Append(",Operator:").Append(r.Operator)
              .Append(",Values:[").Append(string.Join(' ', r.Values)).Append("],},");
        sb.Append("},}");
        return sb.ToString();
    }
}
