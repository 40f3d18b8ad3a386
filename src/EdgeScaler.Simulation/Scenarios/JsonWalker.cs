namespace EdgeScaler.Simulation.Scenarios;

using System.Globalization;
using System.Text.Json;
using EdgeScaler.Simulation.Model;

/// <summary>
/// Reads fields out of a JsonElement while tracking the JSON path, collecting every problem as "$.a.b[2].c: message"
/// instead of stopping at the first one. Unknown fields are errors (a typo should not silently become a default).
/// </summary>
internal sealed class JsonWalker
{
    public List<string> Errors { get; } = [];

    public void Error(string path, string message) => Errors.Add($"{path}: {message}");

    /// <summary>True if <paramref name="e"/> is an object; reports fields not in <paramref name="allowed"/>.</summary>
    public bool Object(JsonElement e, string path, params string[] allowed)
    {
        if (e.ValueKind != JsonValueKind.Object) { Error(path, $"expected an object, got {Describe(e)}"); return false; }
        foreach (var p in e.EnumerateObject())
        {
            if (Array.IndexOf(allowed, p.Name) >= 0) continue;
            var hint = allowed.FirstOrDefault(a => string.Equals(a, p.Name, StringComparison.OrdinalIgnoreCase) || Close(a, p.Name));
            Error($"{path}.{p.Name}", hint is null ? $"unknown field (expected one of: {string.Join(", ", allowed)})" : $"unknown field (did you mean '{hint}'?)");
        }
        return true;
    }

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public string? String(JsonElement obj, string path, string name, bool required = false)
    {
        if (!TryGet(obj, name, out var v)) { if (required) Error($"{path}.{name}", "required"); return null; }
        if (v.ValueKind != JsonValueKind.String) { Error($"{path}.{name}", $"expected a string, got {Describe(v)}"); return null; }
        return v.GetString();
    }

    public double? Number(JsonElement obj, string path, string name, bool required = false, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!TryGet(obj, name, out var v)) { if (required) Error($"{path}.{name}", "required"); return null; }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d)) { Error($"{path}.{name}", $"expected a number, got {Describe(v)}"); return null; }
        if (d < min || d > max) { Error($"{path}.{name}", $"must be between {Fmt(min)} and {Fmt(max)}, got {Fmt(d)}"); return null; }
        return d;
    }

    public int? Int(JsonElement obj, string path, string name, bool required = false, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(obj, name, out var v)) { if (required) Error($"{path}.{name}", "required"); return null; }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) { Error($"{path}.{name}", $"expected a whole number, got {Describe(v)}"); return null; }
        if (i < min || i > max) { Error($"{path}.{name}", $"must be between {min} and {max}, got {i}"); return null; }
        return i;
    }

    /// <summary>A duration as "90s", "30m", "2h", "1h30m" or a number of seconds.</summary>
    public TimeSpan? Duration(JsonElement obj, string path, string name, bool required = false, bool positive = false)
    {
        if (!TryGet(obj, name, out var v)) { if (required) Error($"{path}.{name}", "required"); return null; }
        var text = v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null };
        if (!SimDuration.TryParse(text, out var t)) { Error($"{path}.{name}", $"expected a duration like \"90s\", \"30m\" or \"1h30m\", got {Describe(v)}"); return null; }
        if (positive && t <= TimeSpan.Zero) { Error($"{path}.{name}", "must be greater than zero"); return null; }
        return t;
    }

    /// <summary>A CPU quantity in millicores: "500m", "1", "1.5" or a number of cores.</summary>
    public long? CpuMilli(JsonElement obj, string path, string name, bool required = false)
    {
        if (!TryGet(obj, name, out var v)) { if (required) Error($"{path}.{name}", "required"); return null; }
        var text = v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null } ?? "";
        double cores;
        if (text.EndsWith('m') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var milli)) cores = milli / 1000;
        else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out cores)) cores = -1;
        if (cores < 0 || double.IsNaN(cores)) { Error($"{path}.{name}", $"expected a CPU quantity like \"500m\" or \"1\", got {Describe(v)}"); return null; }
        return (long)Math.Round(cores * 1000);
    }

    /// <summary>A memory quantity in bytes: "128Mi", "1Gi", "500M" or a number of bytes.</summary>
    public long? Bytes(JsonElement obj, string path, string name, bool required = false)
    {
        if (!TryGet(obj, name, out var v)) { if (required) Error($"{path}.{name}", "required"); return null; }
        var text = v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null } ?? "";
        (string suffix, double scale)[] units = [("Ki", 1024), ("Mi", 1 << 20), ("Gi", 1 << 30), ("k", 1e3), ("M", 1e6), ("G", 1e9)];
        double scaleBy = 1; var number = text;
        foreach (var (suffix, scale) in units)
            if (text.EndsWith(suffix, StringComparison.Ordinal)) { scaleBy = scale; number = text[..^suffix.Length]; break; }
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
        { Error($"{path}.{name}", $"expected a memory quantity like \"128Mi\", got {Describe(v)}"); return null; }
        return (long)Math.Round(n * scaleBy);
    }

    public T? Enum<T>(JsonElement obj, string path, string name, IReadOnlyDictionary<string, T> values, bool required = false) where T : struct
    {
        var s = String(obj, path, name, required);
        if (s is null) return null;
        if (values.TryGetValue(s, out var v)) return v;
        Error($"{path}.{name}", $"unknown value '{s}' (expected one of: {string.Join(", ", values.Keys)})");
        return null;
    }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => "null",
    };

    private static string Fmt(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>One edit apart (a typo).</summary>
    private static bool Close(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1) return false;
        int i = 0, j = 0, edits = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.ToLowerInvariant(a[i]) == char.ToLowerInvariant(b[j])) { i++; j++; continue; }
            if (++edits > 1) return false;
            if (a.Length > b.Length) i++; else if (b.Length > a.Length) j++; else { i++; j++; }
        }
        return edits + (a.Length - i) + (b.Length - j) <= 1;
    }
}
