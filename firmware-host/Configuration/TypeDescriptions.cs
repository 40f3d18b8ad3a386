namespace EdgeScaler.Host.Configuration;

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

/// <summary>What a config value of a given type must look like, in words (the "expected ..." of a problem).</summary>
public static class TypeDescriptions
{
    public static string Describe(Type type, JsonSerializerOptions options)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return Describe(inner, options) + " or null";
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(TimeSpan)) return GoDurationJsonConverter.Expected;
        if (type == typeof(int)) return $"a whole number from {int.MinValue} to {int.MaxValue}";
        if (type == typeof(long)) return "a whole number";
        if (type == typeof(uint) || type == typeof(ulong)) return "a whole number, 0 or more";
        if (type == typeof(ushort)) return "a whole number from 0 to 65535";
        if (type == typeof(byte)) return "a whole number from 0 to 255";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(Uri)) return "a URL string";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"\"{CamelCase(n)}\""));
        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => info.Properties.Count == 0
                ? "an object (this section has no settings yet: {})"
                : "an object with keys " + string.Join(", ", info.Properties.Select(p => p.Name)),
            JsonTypeInfoKind.Enumerable => "a list whose items are each " + Describe(info.ElementType!, options),
            JsonTypeInfoKind.Dictionary => "an object whose values are each " + Describe(info.ElementType!, options),
            _ => $"a {type.Name} value",
        };
    }

    private static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
