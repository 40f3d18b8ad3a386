namespace EdgeScaler.Host.Configuration;

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

/// <summary>
/// Applies `EDGESCALER__SECTION__KEY=value` variables onto the parsed config file before it is checked and bound.
/// Segments are matched case-insensitively against the option names (`EDGESCALER__METRICSAPI__PORT` sets
/// `metricsApi.port`); a numeric segment indexes a list. The value is taken as JSON when the target is not a
/// string and it parses (numbers, true/false, lists, objects), otherwise as a string — the checker then reports a
/// wrong value with the variable's name.
/// </summary>
public static class EnvironmentOverrides
{
    public const string Prefix = "EDGESCALER__";

    /// <param name="rootType">The type the whole file binds to (<see cref="EdgeScalerConfig"/>).</param>
    /// <param name="sources">Receives, for each node an override created, the variable it came from.</param>
    public static void Apply(JsonObject root, Type rootType, IEnumerable<KeyValuePair<string, string>> environment, JsonSerializerOptions options,
        Dictionary<JsonNode, string> sources, List<ConfigProblem> problems)
    {
        // Sorted so that the result does not depend on the order the OS lists variables in.
        foreach (var (name, value) in environment.Where(e => e.Key.StartsWith(Prefix, StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal))
            ApplyOne(root, rootType, name, value, options, sources, problems);
    }

    private static void ApplyOne(JsonObject root, Type rootType, string variable, string value, JsonSerializerOptions options,
        Dictionary<JsonNode, string> sources, List<ConfigProblem> problems)
    {
        var segments = variable[Prefix.Length..].Split("__");
        JsonNode container = root;
        var type = rootType;
        var path = "$";
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            Type childType;
            string childPath;
            Func<JsonNode?> get;
            Action<JsonNode?> set;
            if (info.Kind == JsonTypeInfoKind.Object && container is JsonObject obj)
            {
                var property = ConfigValidator.FindProperty(info, segment);
                if (property is null)
                {
                    var names = info.Properties.Select(p => p.Name).ToList();
                    var hint = ConfigValidator.Nearest(segment, names) is { } near ? $" (did you mean \"{near}\"?)" : "";
                    problems.Add(new ConfigProblem($"{path}.{segment}", $"{JsonValue.Create(value).ToJsonString()} under an unknown key",
                        names.Count == 0 ? "no keys: this section has no settings yet" : $"one of the known keys{hint}: {string.Join(", ", names)}", variable));
                    return;
                }
                // Drop keys that differ only in case so the override wins instead of becoming a duplicate.
                foreach (var k in obj.Select(p => p.Key).Where(k => k != property.Name && string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase)).ToList())
                    obj.Remove(k);
                var name = property.Name;
                childType = property.PropertyType;
                childPath = $"{path}.{name}";
                get = () => obj[name];
                set = n => obj[name] = n;
            }
            else if (info.Kind == JsonTypeInfoKind.Dictionary && container is JsonObject map)
            {
                childType = info.ElementType!;
                childPath = $"{path}{ConfigValidator.Member(segment)}";
                get = () => map[segment];
                set = n => map[segment] = n;
            }
            else if (info.Kind == JsonTypeInfoKind.Enumerable && container is JsonArray list)
            {
                if (!int.TryParse(segment, out var index) || index < 0 || index > list.Count)
                {
                    problems.Add(new ConfigProblem($"{path}[{segment}]", $"list index \"{segment}\"",
                        $"an index from 0 to {list.Count} (the list has {list.Count} items)", variable));
                    return;
                }
                childType = info.ElementType!;
                childPath = $"{path}[{index}]";
                get = () => index < list.Count ? list[index] : null;
                set = n => { if (index < list.Count) list[index] = n; else list.Add(n); };
            }
            else
            {
                problems.Add(new ConfigProblem(path, $"a value that {variable} cannot reach into",
                    TypeDescriptions.Describe(type, options), variable));
                return;
            }

            if (last)
            {
                var node = ToNode(value, childType, options);
                set(node);
                if (node is not null) sources[node] = variable;
                return;
            }
            var childInfo = options.GetTypeInfo(Nullable.GetUnderlyingType(childType) ?? childType);
            var child = get();
            if (child is null)
            {
                child = childInfo.Kind == JsonTypeInfoKind.Enumerable ? new JsonArray() : new JsonObject();
                set(child);
            }
            container = child;
            type = childType;
            path = childPath;
        }
    }

    /// <summary>A string for string targets; otherwise JSON when the text parses, else a string the checker will flag.</summary>
    private static JsonNode? ToNode(string value, Type target, JsonSerializerOptions options)
    {
        var t = Nullable.GetUnderlyingType(target) ?? target;
        if (t == typeof(string) || t == typeof(TimeSpan) || t.IsEnum) return JsonValue.Create(value);
        try
        {
            return JsonNode.Parse(value, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }
}
