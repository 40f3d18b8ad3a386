namespace EdgeScaler.Host.Configuration;

using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using EdgeScaler.Core.Configuration;

/// <summary>
/// Checks a JSON tree against the source-generated metadata of the options classes, collecting every problem
/// rather than stopping at the first: unknown keys (at any depth), wrong types, nulls where a value is required.
/// After binding, <see cref="CheckRules"/> asks each options object for its own rules. No reflection: the
/// shapes come from <see cref="JsonTypeInfo"/>, so it is trim- and AOT-safe.
/// </summary>
public sealed class ConfigValidator(JsonSerializerOptions options, Func<JsonNode?, string?> sourceOf)
{
    private readonly List<ConfigProblem> _problems = [];

    // The object properties that hold a problem, so the rest can still be bound and checked by their own rules.
    private readonly List<(JsonObject Owner, string Key)> _faulty = [];
    private (JsonObject Owner, string Key)? _owner;

    public IReadOnlyList<ConfigProblem> Problems => _problems;

    /// <summary>
    /// Removes every property that holds a problem (the nearest enclosing object key), leaving a tree that binds;
    /// false when the root itself is the problem.
    /// </summary>
    public bool PruneFaulty(JsonObject root)
    {
        if (_problems.Count > _faulty.Count) return false; // a problem with no owner: the root itself is wrong
        foreach (var (owner, key) in _faulty) owner.Remove(key);
        return true;
    }

    public void CheckShape(JsonNode? node, Type type, string path, bool nullAllowed)
    {
        if (node is null)
        {
            if (!nullAllowed) Add(path, node, TypeDescriptions.Describe(type, options));
            return;
        }
        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (node is not JsonObject obj) { Add(path, node, TypeDescriptions.Describe(type, options)); return; }
                CheckObject(obj, info, path);
                return;
            case JsonTypeInfoKind.Enumerable:
                if (node is not JsonArray array) { Add(path, node, TypeDescriptions.Describe(type, options)); return; }
                for (var i = 0; i < array.Count; i++) CheckShape(array[i], info.ElementType!, $"{path}[{i}]", IsNullable(info.ElementType!));
                return;
            case JsonTypeInfoKind.Dictionary:
                if (node is not JsonObject map) { Add(path, node, TypeDescriptions.Describe(type, options)); return; }
                foreach (var (key, value) in map) CheckShape(value, info.ElementType!, $"{path}{Member(key)}", IsNullable(info.ElementType!));
                return;
            default:
                CheckLeaf(node, type, info, path);
                return;
        }
    }

    private void CheckObject(JsonObject obj, JsonTypeInfo info, string path)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in obj)
        {
            var property = FindProperty(info, key);
            if (property is null)
            {
                var names = info.Properties.Select(p => p.Name).ToList();
                var hint = Nearest(key, names) is { } near ? $" (did you mean \"{near}\"?)" : "";
                var expected = names.Count == 0
                    ? "no keys: this section has no settings yet"
                    : $"one of the known keys{hint}: {string.Join(", ", names)}";
                _problems.Add(new ConfigProblem($"{path}{Member(key)}", $"{Show(value)} under an unknown key", expected, sourceOf(value)));
                _faulty.Add((obj, key));
                continue;
            }
            if (seen.TryGetValue(property.Name, out var first))
            {
                _problems.Add(new ConfigProblem($"{path}{Member(key)}", $"a second \"{property.Name}\" key (first written \"{first}\")",
                    "each key once (keys are case-insensitive)", sourceOf(value)));
                _faulty.Add((obj, key));
                continue;
            }
            seen[property.Name] = key;
            var outer = _owner;
            _owner = (obj, key);
            CheckShape(value, property.PropertyType, $"{path}{Member(key)}", property.IsSetNullable);
            _owner = outer;
        }
    }

    private void CheckLeaf(JsonNode node, Type type, JsonTypeInfo info, string path)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsEnum)
        {
            // Names only: the string-enum converter would also take numbers, which silently admits undefined values.
            var names = Enum.GetNames(target);
            if (node.GetValueKind() != JsonValueKind.String || !names.Contains(node.GetValue<string>(), StringComparer.OrdinalIgnoreCase))
                Add(path, node, TypeDescriptions.Describe(type, options));
            return;
        }
        try
        {
            node.Deserialize(info);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            Add(path, node, TypeDescriptions.Describe(type, options));
        }
    }

    /// <summary>Runs each bound options object's own rules (<see cref="IValidatedOptions"/>), depth first.</summary>
    public void CheckRules(object? value, Type type, string path)
    {
        if (value is null) return;
        var info = options.GetTypeInfo(type);
        if (value is IValidatedOptions validated)
            foreach (var p in validated.Validate())
                _problems.Add(new ConfigProblem($"{path}{Relative(p.Key)}", p.Got, p.Expected));
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                    if (property.Get is { } get && !property.PropertyType.IsValueType)
                        CheckRules(get(value), property.PropertyType, $"{path}.{property.Name}");
                break;
            case JsonTypeInfoKind.Enumerable when value is IEnumerable items && !info.ElementType!.IsValueType:
                var i = 0;
                foreach (var item in items) CheckRules(item, info.ElementType, $"{path}[{i++}]");
                break;
        }
    }

    internal static JsonPropertyInfo? FindProperty(JsonTypeInfo info, string key)
    {
        foreach (var p in info.Properties)
            if (string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase)) return p;
        return null;
    }

    private void Add(string path, JsonNode? node, string expected)
    {
        _problems.Add(new ConfigProblem(path, Show(node), expected, sourceOf(node)));
        if (_owner is { } owner) _faulty.Add(owner);
    }

    private static bool IsNullable(Type t) => !t.IsValueType || Nullable.GetUnderlyingType(t) is not null;

    internal static string Member(string key)
        => key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(key[0])
            ? "." + key
            : $"[{JsonValue.Create(key).ToJsonString()}]";

    private static string Relative(string key) => key.StartsWith('[') ? key : "." + key;

    /// <summary>A value as the user wrote it, cut short when long.</summary>
    internal static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    /// <summary>The closest known key, when it is close enough to be the likely intent (typo, wrong case, shortened).</summary>
    internal static string? Nearest(string key, IEnumerable<string> names)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var n in names)
        {
            var (k, m) = (key.ToLowerInvariant(), n.ToLowerInvariant());
            // A shortened key ("hot" for "hotCelsius") is as likely a slip as a typo.
            var d = k.Length >= 3 && (m.StartsWith(k, StringComparison.Ordinal) || k.StartsWith(m, StringComparison.Ordinal)) ? 1 : Distance(k, m);
            if (d < bestDistance) { bestDistance = d; best = n; }
        }
        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
