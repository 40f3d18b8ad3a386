namespace EdgeScaler.Host.Configuration;

using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeScaler.Core.Units;

/// <summary>Reads and writes every <see cref="TimeSpan"/> in the config file as a Go duration string.</summary>
public sealed class GoDurationJsonConverter : JsonConverter<TimeSpan>
{
    public const string Expected = "a duration such as \"10s\", \"1m30s\" or \"500ms\" (units ns, us, ms, s, m, h)";

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a duration string");
        return GoDuration.TryParse(reader.GetString(), out var d) ? d : throw new JsonException("not a duration");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
        => writer.WriteStringValue(GoDuration.Format(value));
}
