namespace EdgeScaler.Host.Cli;

/// <summary>
/// Minimal, AOT-safe flag parsing: `--name value`, `--name=value`, boolean `--flag`, and positionals.
/// A verb declares which flags take values and which are switches; anything else is a usage error.
/// </summary>
public sealed class Args
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positionals { get; }

    private Args(List<string> positionals) => Positionals = positionals;

    /// <summary>Parses <paramref name="argv"/>; <paramref name="valueFlags"/> take a value, <paramref name="switchFlags"/> do not.</summary>
    public static Args Parse(IReadOnlyList<string> argv, IEnumerable<string> valueFlags, IEnumerable<string> switchFlags)
    {
        var values = new HashSet<string>(valueFlags, StringComparer.Ordinal);
        var switches = new HashSet<string>(switchFlags, StringComparer.Ordinal);
        var positionals = new List<string>();
        var result = new Args(positionals);
        for (var i = 0; i < argv.Count; i++)
        {
            var a = argv[i];
            if (a == "--") { positionals.AddRange(argv.Skip(i + 1)); break; }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                if (a.StartsWith('-') && a.Length > 1) throw new UsageException($"unknown option '{a}'");
                positionals.Add(a);
                continue;
            }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (values.Contains(name))
            {
                string v;
                if (eq > 0) v = a[(eq + 1)..];
                else if (i + 1 < argv.Count) v = argv[++i];
                else throw new UsageException($"option '--{name}' needs a value");
                result._values[name] = v;
            }
            else if (switches.Contains(name))
            {
                if (eq > 0) throw new UsageException($"option '--{name}' takes no value");
                result._switches.Add(name);
            }
            else throw new UsageException($"unknown option '--{name}'");
        }
        return result;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);
    public bool Has(string name) => _switches.Contains(name);

    public string GetOr(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public void ExpectPositionals(int min, int max)
    {
        if (Positionals.Count < min) throw new UsageException(min == 1 ? "missing argument" : $"expected at least {min} arguments");
        if (Positionals.Count > max) throw new UsageException($"unexpected argument '{Positionals[max]}'");
    }
}
