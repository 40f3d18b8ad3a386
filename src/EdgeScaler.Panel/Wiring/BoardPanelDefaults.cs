namespace EdgeScaler.Panel.Wiring;

using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>
/// Reads the `panel` section of a board profile (boards/&lt;id&gt;/profile.json, kept there as raw JSON) into
/// <see cref="PanelOptions"/>, the same shape as the config's `panel` section, so config can override it key by key.
/// </summary>
public static class BoardPanelDefaults
{
    /// <summary>The board's default wiring; null (with <paramref name="problem"/> set when the JSON is bad) when there is none.</summary>
    public static PanelOptions? FromJson(JsonElement? section, out string? problem)
    {
        problem = null;
        if (section is not { ValueKind: JsonValueKind.Object } element) return null;
        try
        {
            return element.Deserialize(BoardPanelJsonContext.Default.PanelOptions);
        }
        catch (JsonException e)
        {
            problem = $"board profile panel section: {e.Message}";
            return null;
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PanelOptions))]
internal sealed partial class BoardPanelJsonContext : JsonSerializerContext;
