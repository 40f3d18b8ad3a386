namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeScaler.TestKit;

/// <summary>
/// Checks a real payload against the example documented in docs/mqtt.md, so docs and code cannot drift apart.
/// A doc example is marked `&lt;!-- schema: NAME required: a,b,c --&gt;` followed by a ```json block. A payload may omit
/// optional fields but every field it has must be documented with the same JSON kind; required fields must be present.
/// </summary>
public static partial class DocumentedSchema
{
    /// <summary>Fields whose keys are data (zone names), not schema: only the value kind is checked.</summary>
    private static readonly HashSet<string> MapFields = ["zones", "cmps"];

    private static readonly Lazy<Dictionary<string, (JsonElement Example, string[] Required)>> Examples = new(Load);

    public static JsonElement Example(string name) => Examples.Value[name].Example;

    public static void AssertMatches(string name, string payload)
    {
        Assert.True(Examples.Value.TryGetValue(name, out var doc), $"docs/mqtt.md has no example marked schema: {name}");
        using var actual = JsonDocument.Parse(payload);
        foreach (var required in doc.Required)
            Assert.True(actual.RootElement.TryGetProperty(required, out _), $"{name}: required field '{required}' missing from {payload}");
        Compare(name, doc.Example, actual.RootElement, "$");
    }

    private static void Compare(string name, JsonElement doc, JsonElement actual, string path)
    {
        Assert.True(Kind(doc) == Kind(actual), $"{name}: {path} is {actual.ValueKind} but documented as {doc.ValueKind}");
        if (actual.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in actual.EnumerateObject())
            {
                var key = path == "$" ? p.Name : $"{path}.{p.Name}";
                if (path != "$" && MapFields.Contains(path))
                {
                    var first = doc.EnumerateObject().First().Value;
                    Compare(name, first, p.Value, key);
                    continue;
                }
                Assert.True(doc.TryGetProperty(p.Name, out var docValue), $"{name}: field '{key}' is not documented in docs/mqtt.md");
                Compare(name, docValue, p.Value, MapFields.Contains(p.Name) ? p.Name : key);
            }
        }
        else if (actual.ValueKind == JsonValueKind.Array && doc.GetArrayLength() > 0)
        {
            foreach (var item in actual.EnumerateArray()) Compare(name, doc[0], item, path + "[]");
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => e.ValueKind.ToString(),
    };

    private static Dictionary<string, (JsonElement, string[])> Load()
    {
        var doc = File.ReadAllText(RepoPaths.Of("docs/mqtt.md"));
        var result = new Dictionary<string, (JsonElement, string[])>();
        foreach (Match m in Marker().Matches(doc))
        {
            var required = m.Groups["req"].Success ? m.Groups["req"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
            result[m.Groups["name"].Value] = (JsonDocument.Parse(m.Groups["json"].Value).RootElement.Clone(), required);
        }
        return result;
    }

    [GeneratedRegex(@"<!-- schema: (?<name>[a-z0-9-]+)(?: required: (?<req>[a-z0-9_,]+))? -->\s*```json\s*\n(?<json>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex Marker();
}
