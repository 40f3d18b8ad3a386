namespace EdgeScaler.MetricsApi.Selectors;

/// <summary>Recursive-descent parser for the label selector grammar; one instance per parse.</summary>
internal sealed class LabelSelectorParser
{
    private enum Tok { End, Identifier, Not, Equals, DoubleEquals, NotEquals, In, NotIn, Gt, Lt, Open, Close, Comma }

    private readonly List<(Tok Kind, string Text)> _tokens;
    private int _pos;

    public LabelSelectorParser(string text) => _tokens = Lex(text);

    public List<LabelRequirement> ParseAll()
    {
        var result = new List<LabelRequirement>();
        while (true)
        {
            var (kind, text) = Peek();
            if (kind is Tok.Identifier or Tok.Not)
            {
                result.Add(ParseRequirement());
                var (next, nextText) = Next();
                if (next == Tok.End) return result;
                if (next != Tok.Comma) throw Error($"found '{nextText}', expected: ',' or 'end of string'");
                if (Peek().Kind is not (Tok.Identifier or Tok.Not)) throw Error($"found '{Describe(Peek())}', expected: identifier or '!' after ','");
                continue;
            }
            if (kind == Tok.End) return result;
            throw Error($"found '{text}', expected: !, identifier, or 'end of string'");
        }
    }

    private LabelRequirement ParseRequirement()
    {
        var (kind, text) = Next();
        if (kind == Tok.Not)
        {
            var (k, key) = Next();
            if (k != Tok.Identifier) throw Error($"found '{Describe((k, key))}', expected: identifier");
            ValidateKey(key);
            return new LabelRequirement(key, SelectorOperator.DoesNotExist, []);
        }
        var label = text;
        ValidateKey(label);
        if (Peek().Kind is Tok.End or Tok.Comma) return new LabelRequirement(label, SelectorOperator.Exists, []);

        var (opKind, opText) = Next();
        var op = opKind switch
        {
            Tok.Equals or Tok.DoubleEquals => SelectorOperator.Equals,
            Tok.NotEquals => SelectorOperator.NotEquals,
            Tok.In => SelectorOperator.In,
            Tok.NotIn => SelectorOperator.NotIn,
            Tok.Gt => SelectorOperator.GreaterThan,
            Tok.Lt => SelectorOperator.LessThan,
            _ => throw Error($"found '{opText}', expected: in, notin, =, ==, !=, gt, lt"),
        };

        List<string> values;
        if (op is SelectorOperator.In or SelectorOperator.NotIn)
        {
            var (open, openText) = Next();
            if (open != Tok.Open) throw Error($"found '{Describe((open, openText))}', expected: '('");
            values = ParseValueSet();
            if (values.Count == 0) throw Error($"for 'in', 'notin' operators, values set can't be empty (key \"{label}\")");
        }
        else
        {
            // A single value; an empty value ("app=") is valid and means the empty string.
            var (vk, vt) = Peek();
            string value = "";
            if (vk is Tok.Identifier or Tok.In or Tok.NotIn) { Next(); value = vt; }
            else if (vk is not (Tok.End or Tok.Comma)) throw Error($"found '{vt}', expected: identifier");
            values = [value];
            if (op is SelectorOperator.GreaterThan or SelectorOperator.LessThan &&
                !long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                throw Error($"for 'Gt', 'Lt' operators, the value must be an integer (key \"{label}\", value \"{value}\")");
        }
        foreach (var v in values) ValidateValue(label, v);
        return new LabelRequirement(label, op, values);
    }

    private List<string> ParseValueSet()
    {
        var values = new List<string>();
        if (Peek().Kind == Tok.Close) { Next(); return values; }
        while (true)
        {
            var (k, t) = Next();
            if (k is Tok.Identifier or Tok.In or Tok.NotIn) values.Add(t);
            else if (k is Tok.Comma or Tok.Close) { values.Add(""); _pos--; } // "(a,,b)": an empty value, as upstream
            else throw Error($"found '{Describe((k, t))}', expected: ',', ')' or identifier");

            var (sep, sepText) = Next();
            if (sep == Tok.Close) return values;
            if (sep != Tok.Comma) throw Error($"found '{Describe((sep, sepText))}', expected: ',' or ')'");
        }
    }

    private (Tok Kind, string Text) Peek() => _tokens[_pos];

    private (Tok Kind, string Text) Next()
    {
        var t = _tokens[_pos];
        if (_pos < _tokens.Count - 1) _pos++;
        return t;
    }

    private static string Describe((Tok Kind, string Text) t) => t.Kind == Tok.End ? "end of string" : t.Text;

    private static SelectorParseException Error(string detail) => new($"unable to parse requirement: {detail}");

    private static List<(Tok, string)> Lex(string s)
    {
        var tokens = new List<(Tok, string)>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            switch (c)
            {
                case ',': tokens.Add((Tok.Comma, ",")); i++; continue;
                case '(': tokens.Add((Tok.Open, "(")); i++; continue;
                case ')': tokens.Add((Tok.Close, ")")); i++; continue;
                case '>': tokens.Add((Tok.Gt, ">")); i++; continue;
                case '<': tokens.Add((Tok.Lt, "<")); i++; continue;
                case '=':
                    if (i + 1 < s.Length && s[i + 1] == '=') { tokens.Add((Tok.DoubleEquals, "==")); i += 2; }
                    else { tokens.Add((Tok.Equals, "=")); i++; }
                    continue;
                case '!':
                    if (i + 1 < s.Length && s[i + 1] == '=') { tokens.Add((Tok.NotEquals, "!=")); i += 2; }
                    else { tokens.Add((Tok.Not, "!")); i++; }
                    continue;
            }
            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && ",()<>=!".IndexOf(s[i]) < 0) i++;
            var word = s[start..i];
            tokens.Add((word switch { "in" => Tok.In, "notin" => Tok.NotIn, _ => Tok.Identifier }, word));
        }
        tokens.Add((Tok.End, ""));
        return tokens;
    }

    /// <summary>Qualified name: optional DNS-subdomain prefix and '/', then a name of at most 63 characters.</summary>
    private static void ValidateKey(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !IsDnsSubdomain(prefix))
                throw Error($"invalid label key \"{key}\": prefix part must be a lowercase RFC 1123 subdomain");
        }
        if (name.Length == 0 || name.Length > 63 || !IsLabelName(name))
            throw Error($"invalid label key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)");
    }

    private static void ValidateValue(string key, string value)
    {
        if (value.Length == 0) return;
        if (value.Length > 63 || !IsLabelName(value))
            throw Error($"invalid label value: \"{value}\" for key \"{key}\": a valid label value must be 63 characters or less and must be empty or begin and end with an alphanumeric character, with '-', '_' or '.' between");
    }

    private static bool IsLabelName(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1])) return false;
        foreach (var c in s) if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return false;
        return true;
    }

    private static bool IsDnsSubdomain(string s)
    {
        foreach (var part in s.Split('.'))
        {
            if (part.Length == 0 || part.Length > 63) return false;
            if (!IsLowerAlnum(part[0]) || !IsLowerAlnum(part[^1])) return false;
            foreach (var c in part) if (!IsLowerAlnum(c) && c != '-') return false;
        }
        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);
}
