namespace EdgeScaler.Kubernetes.Mapping;

using EdgeScaler.Core.Units;
using k8s.Models;

/// <summary>Between KubernetesClient's ResourceQuantity (a string wrapper) and our exact <see cref="Quantity"/>.</summary>
public static class QuantityMapping
{
    public static Quantity ToQuantity(ResourceQuantity q, string path)
    {
        var text = q.ToString();
        if (!Quantity.TryParse(text, out var parsed, out var error)) throw new MappingException(path, error);
        return parsed;
    }

    public static Quantity? ToQuantityOrNull(ResourceQuantity? q, string path) => q is null ? null : ToQuantity(q, path);

    public static ResourceQuantity ToResourceQuantity(Quantity q) => new(q.ToString());

    public static Dictionary<string, Quantity> ToQuantities(IDictionary<string, ResourceQuantity>? list, string path)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (list is null) return result;
        foreach (var (name, q) in list) result[name] = ToQuantity(q, $"{path}.{name}");
        return result;
    }
}
