namespace EdgeScaler.MetricsApi.Tests;

using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

/// <summary>
/// YAML → JSON for manifest tests, through YamlDotNet's parser (already in the graph via KubernetesClient; the
/// AOT client keeps its own YAML reader internal). Scalars follow YAML 1.2 core-schema resolution for plain values.
/// </summary>
internal static class YamlToJson
{
    public static JsonNode Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1) throw new FormatException($"expected exactly one YAML document, found {stream.Documents.Count}");
        return Node(stream.Documents[0].RootNode)!;
    }

    private static JsonNode? Node(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Node(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Node).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p => Plain(p.Value ?? ""),
        YamlScalarNode q => JsonValue.Create(q.Value),
        _ => throw new FormatException("unsupported YAML node " + node.NodeType),
    };

    private static JsonNode? Plain(string v)
    {
        if (v is "" or "~" or "null") return null;
        if (v is "true" or "false") return JsonValue.Create(v == "true");
        if (long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)) return JsonValue.Create(n);
        return JsonValue.Create(v);
    }

    public static T Deserialize<T>(string yaml) => k8s.KubernetesJson.Deserialize<T>(Convert(yaml).ToJsonString());
}
