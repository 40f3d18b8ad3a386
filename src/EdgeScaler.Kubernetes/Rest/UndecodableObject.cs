namespace EdgeScaler.Kubernetes.Rest;

using System.Text.Json;

/// <summary>
/// A list item or watch event object that did not decode into its model (e.g. a quantity KubernetesClient cannot
/// parse). It is left out instead of failing the whole list; what its raw metadata says is kept to report it.
/// </summary>
public sealed record UndecodableObject(string Namespace, string Name, string? Uid, string? ResourceVersion, string Error)
{
    public override string ToString() => $"{(Namespace.Length > 0 ? Namespace + "/" : "")}{Name}";

    /// <summary>Decodes one object; on failure, <paramref name="problem"/> names it from its raw metadata.</summary>
    public static bool TryDecode<T>(JsonElement element, out T? obj, out UndecodableObject? problem)
    {
        try
        {
            obj = KubeJson.Deserialize<T>(element);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or ArgumentException)
        {
            obj = default;
            problem = From(element, e);
            return false;
        }
    }

    private static UndecodableObject From(JsonElement element, Exception e)
    {
        string? Meta(string field) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        // The converter's own message first (e.g. the quantity it could not parse), then where in the object it was.
        var error = e.InnerException is { } inner && e is JsonException ? $"{inner.Message} ({e.Message})" : e.Message;
        return new UndecodableObject(Meta("namespace") ?? "", Meta("name") ?? "(no name)", Meta("uid"), Meta("resourceVersion"), error);
    }
}

/// <summary>A list decoded item by item: the items that decoded, and those that did not.</summary>
public sealed record DecodedList<T>(string? ResourceVersion, IReadOnlyList<T> Items, IReadOnlyList<UndecodableObject> Undecodable);
