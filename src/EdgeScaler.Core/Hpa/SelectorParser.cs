namespace EdgeScaler.Core.Hpa;

/// <summary>
/// A parsed label selector string (a Scale's status.selector, e.g. "app=web,tier in (a,b),!canary"),
/// with the grammar of k8s.io/apimachinery labels.Parse: =, ==, !=, in, notin, exists (key), !key, &gt;, &lt;.
/// </summary>
public sealed class Selector
{
    private readonly Requirement[] _requirements;

    private Selector(Requirement[] requirements) => _requirements = requirements;

    public static readonly Selector Everything = new([]);

    public bool IsEmpty => _requirements.Length == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements) if (!r.Matches(labels)) return false;
        return true;
    }

    private enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan }

    private sealed record Requirement(string Key, Op Op, string[] Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var v);
            return Op switch
            {
                Op.Equals or Op.In => has && Values.Contains(v),
                Op.NotEquals or Op.NotIn => !has || !Values.Contains(v),
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.GreaterThan => has && long.TryParse(v, out var a) && a > long.Parse(Values[0]),
                Op.LessThan => has && long.TryParse(v, out var b) && b < long.Parse(Values[0]),
                _ => false,
            };
        }
    }

    public static bool TryParse(string text, out Selector selector, out string? error)
    {
        selector = Everything;
        error = null;
        var reqs = new List<Requirement>();
        var s = text.Trim();
        var i = 0;
        while (i < s.Length)
        {
            SkipSpaces(s, ref i);
            var negate = false;
            if (i < s.Length && s[i] == '!') { negate = true; i++; SkipSpaces(s, ref i); }
            var keyStart = i;
            while (i < s.Length && !IsDelimiter(s[i])) i++;
            var key = s[keyStart..i];
            if (ValidateKey(key) is { } keyError) { error = keyError; return false; }
            SkipSpaces(s, ref i);
            if (negate)
            {
                reqs.Add(new Requirement(key, Op.DoesNotExist, []));
            }
            else if (i >= s.Length || s[i] == ',')
            {
                reqs.Add(new Requirement(key, Op.Exists, []));
            }
            else if (s[i] is '=' or '!' or '>' or '<')
            {
                Op op;
                if (s[i] == '=') { op = Op.Equals; i++; if (i < s.Length && s[i] == '=') i++; }
                else if (s[i] == '!') { if (i + 1 >= s.Length || s[i + 1] != '=') { error = $"found '!', expected: '!=' in selector '{text}'"; return false; } op = Op.NotEquals; i += 2; }
                else { op = s[i] == '>' ? Op.GreaterThan : Op.LessThan; i++; }
                SkipSpaces(s, ref i);
                var valueStart = i;
                while (i < s.Length && s[i] != ',' && !char.IsWhiteSpace(s[i])) i++;
                var value = s[valueStart..i];
                if (op is Op.GreaterThan or Op.LessThan && !long.TryParse(value, out _)) { error = $"for 'Gt', 'Lt' operators, the value must be an integer: '{value}'"; return false; }
                if (ValidateValue(value) is { } valueError) { error = valueError; return false; }
                reqs.Add(new Requirement(key, op, [value]));
            }
            else
            {
                var wordStart = i;
                while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
                var word = s[wordStart..i];
                Op op;
                if (word == "in") op = Op.In;
                else if (word == "notin") op = Op.NotIn;
                else { error = $"unable to parse requirement: found '{word}', expected: in, notin, =, ==, !=, gt, lt"; return false; }
                SkipSpaces(s, ref i);
                if (i >= s.Length || s[i] != '(') { error = $"found '{(i < s.Length ? s[i] : ' ')}', expected: '('"; return false; }
                var close = s.IndexOf(')', i);
                if (close < 0) { error = "found end of string, expected: ')'"; return false; }
                var values = s[(i + 1)..close].Split(',', StringSplitOptions.TrimEntries);
                if (values.Length == 1 && values[0].Length == 0 && op is Op.In or Op.NotIn) values = [""];
                foreach (var v in values) if (ValidateValue(v) is { } ve) { error = ve; return false; }
                reqs.Add(new Requirement(key, op, values));
                i = close + 1;
            }
            SkipSpaces(s, ref i);
            if (i < s.Length)
            {
                if (s[i] != ',') { error = $"found '{s[i]}', expected: ',' or end of string"; return false; }
                i++;
                if (i >= s.Length) { error = "found end of string after ',', expected: identifier"; return false; }
            }
        }
        selector = new Selector([.. reqs]);
        return true;
    }

    private static bool IsDelimiter(char c) => c is '=' or '!' or ',' or '(' or ')' or '<' or '>' || char.IsWhiteSpace(c);

    private static void SkipSpaces(string s, ref int i) { while (i < s.Length && char.IsWhiteSpace(s[i])) i++; }

    private static string? ValidateKey(string key)
    {
        if (key.Length == 0) return "found '', expected: identifier";
        var slash = key.IndexOf('/');
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        if (slash >= 0 && (slash == 0 || slash > 253)) return $"invalid label key \"{key}\": prefix part must be a DNS subdomain";
        if (!IsQualifiedNamePart(name)) return $"invalid label key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
        return null;
    }

    private static string? ValidateValue(string value)
    {
        if (value.Length == 0) return null;
        return IsQualifiedNamePart(value) ? null
            : $"invalid label value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    }

    private static bool IsQualifiedNamePart(string s)
    {
        if (s.Length is 0 or > 63) return false;
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1])) return false;
        foreach (var c in s) if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        return true;
    }
}
