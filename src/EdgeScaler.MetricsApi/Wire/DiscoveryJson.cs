namespace EdgeScaler.MetricsApi.Wire;

using System.Text.Json;

/// <summary>
/// Discovery documents: APIGroupList (/apis), APIGroup (/apis/metrics.k8s.io), APIResourceList per version,
/// and the aggregated-discovery v2 APIGroupDiscoveryList when the client asks for it. They never change, so
/// they are rendered once.
/// </summary>
public static class DiscoveryJson
{
    /// <summary>The media type (and response Content-Type) of aggregated discovery v2.</summary>
    public const string AggregatedV2ContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    public static readonly byte[] GroupList = Render(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIGroupList");
        w.WriteString("apiVersion", "v1");
        w.WriteStartArray("groups");
        WriteGroupBody(w);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static readonly byte[] Group = Render(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIGroup");
        w.WriteString("apiVersion", "v1");
        WriteGroupFields(w);
        w.WriteEndObject();
    });

    public static readonly byte[] ResourceListV1 = ResourceList(MetricsApiVersion.V1);
    public static readonly byte[] ResourceListV1Beta1 = ResourceList(MetricsApiVersion.V1Beta1);

    public static readonly byte[] AggregatedV2 = Render(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIGroupDiscoveryList");
        w.WriteString("apiVersion", "apidiscovery.k8s.io/v2");
        w.WriteStartObject("metadata"); w.WriteEndObject();
        w.WriteStartArray("items");
        w.WriteStartObject();
        w.WriteStartObject("metadata"); w.WriteString("name", MetricsApiVersions.Group); w.WriteNull("creationTimestamp"); w.WriteEndObject();
        w.WriteStartArray("versions");
        foreach (var v in MetricsApiVersions.All)
        {
            w.WriteStartObject();
            w.WriteString("version", v.Name());
            w.WriteString("freshness", "Current");
            w.WriteStartArray("resources");
            WriteV2Resource(w, "nodes", "NodeMetrics", "Cluster");
            WriteV2Resource(w, "pods", "PodMetrics", "Namespaced");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] ResourceListFor(MetricsApiVersion v) => v == MetricsApiVersion.V1 ? ResourceListV1 : ResourceListV1Beta1;

    /// <summary>True when the Accept header asks for aggregated discovery v2 (the aggregator's /apis fetch, kubectl ≥ 1.30).</summary>
    public static bool WantsAggregatedV2(string? accept) =>
        accept is not null && accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) && accept.Contains("v=v2", StringComparison.Ordinal);

    private static byte[] ResourceList(MetricsApiVersion v) => Render(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIResourceList");
        w.WriteString("apiVersion", "v1");
        w.WriteString("groupVersion", v.GroupVersion());
        w.WriteStartArray("resources");
        WriteResource(w, "nodes", false, "NodeMetrics");
        WriteResource(w, "pods", true, "PodMetrics");
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteResource(Utf8JsonWriter w, string name, bool namespaced, string kind)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("singularName", "");
        w.WriteBoolean("namespaced", namespaced);
        w.WriteString("kind", kind);
        w.WriteStartArray("verbs"); w.WriteStringValue("get"); w.WriteStringValue("list"); w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteV2Resource(Utf8JsonWriter w, string name, string kind, string scope)
    {
        w.WriteStartObject();
        w.WriteString("resource", name);
        w.WriteStartObject("responseKind"); w.WriteString("group", ""); w.WriteString("version", ""); w.WriteString("kind", kind); w.WriteEndObject();
        w.WriteString("scope", scope);
        w.WriteString("singularResource", "");
        w.WriteStartArray("verbs"); w.WriteStringValue("get"); w.WriteStringValue("list"); w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGroupBody(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        WriteGroupFields(w);
        w.WriteEndObject();
    }

    // v1 first: clients that honour the preferred version pick the GA one; v1beta1 stays listed for older clients.
    private static void WriteGroupFields(Utf8JsonWriter w)
    {
        w.WriteString("name", MetricsApiVersions.Group);
        w.WriteStartArray("versions");
        foreach (var v in MetricsApiVersions.All)
        {
            w.WriteStartObject(); w.WriteString("groupVersion", v.GroupVersion()); w.WriteString("version", v.Name()); w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("preferredVersion");
        w.WriteString("groupVersion", MetricsApiVersion.V1.GroupVersion());
        w.WriteString("version", MetricsApiVersion.V1.Name());
        w.WriteEndObject();
    }

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return buffer.WrittenSpan.ToArray();
    }
}
