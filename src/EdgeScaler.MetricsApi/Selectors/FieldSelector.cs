namespace EdgeScaler.MetricsApi.Selectors;

/// <summary>
/// A parsed field selector (<c>metadata.name=x,metadata.namespace!=y</c>), as apimachinery's fields.ParseSelector
/// reads it: terms joined by ',', operators '=', '==' and '!=', backslash escapes in values.
/// Metrics objects only carry <c>metadata.name</c> and <c>metadata.namespace</c>; a term on any other field
/// matches nothing (metrics-server's behaviour), it is not an error.
/// </summary>
public sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    public IReadOnlyList<(string Field, bool Equal, string Value)> Terms { get; }

    private FieldSelector(IReadOnlyList<(string, bool, string)> terms) => Terms = terms;

    public bool IsEmpty => Terms.Count == 0;

    /// <param name="namespace">The object's namespace, or null for cluster-scoped objects (nodes).</param>
    public bool Matches(string name, string? @namespace)
    {
        foreach (var (field, equal, value) in Terms)
        {
            string? actual = field switch
            {
                "metadata.name" => name,
                "metadata.namespace" => @namespace ?? "",
                _ => null,
            };
            if (actual is null) return false;
            if (string.Equals(actual, value, StringComparison.Ordinal) != equal) return false;
        }
        return true;
    }

    /// <exception cref="SelectorParseException">A term without an operator.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var terms = new List<(string, bool, string)>();
        foreach (var raw in SplitUnescaped(text, ','))
        {
            var term = raw.Trim();
            if (term.Length == 0) continue;
            int op = IndexOfUnescaped(term, "!="), len = 2;
            var equal = op < 0;
            if (op < 0) { op = IndexOfUnescaped(term, "=="); }
            if (op < 0) { op = IndexOfUnescaped(term, "="); len = 1; }
            if (op < 0) throw new SelectorParseException($"invalid selector: '{text}'; can't understand '{term}'");
            var field = term[..op].Trim();
            if (field.Length == 0) throw new SelectorParseException($"invalid selector: '{text}'; field name is empty in '{term}'");
            terms.Add((field, equal, Unescape(term[(op + len)..])));
        }
        return new FieldSelector(terms);
    }

    private static IEnumerable<string> SplitUnescaped(string s, char sep)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == sep) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }

    private static int IndexOfUnescaped(string s, string op)
    {
        for (var i = 0; i + op.Length <= s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (string.CompareOrdinal(s, i, op, 0, op.Length) == 0) return i;
        }
        return -1;
    }

    /// <summary>apimachinery's UnescapeValue: only <c>\\</c>, <c>\,</c> and <c>\=</c> are escapes; a bare ',' or '=' in a value is an error.</summary>
    private static string Unescape(string s)
    {
        if (s.AsSpan().IndexOfAny('\\', '=', ',') < 0) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\')
            {
                if (i + 1 >= s.Length || s[i + 1] is not ('\\' or ',' or '='))
                    throw new SelectorParseException($"invalid field selector: invalid escape sequence: {s[i..Math.Min(s.Length, i + 2)]}");
                sb.Append(s[++i]);
                continue;
            }
            if (c is '=' or ',') throw new SelectorParseException($"invalid field selector: unescaped character in value: '{c}'");
            sb.Append(c);
        }
        return sb.ToString();
    }
}
