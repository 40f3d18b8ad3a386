namespace EdgeScaler.Host.Configuration;

using System.Text.Json.Serialization;

/// <summary>
/// Source-generated (AOT-safe) JSON metadata for the whole config tree. Every type reachable from
/// <see cref="EdgeScalerConfig"/> is included automatically, so areas add no attributes here.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    Converters = [typeof(GoDurationJsonConverter)])]
[JsonSerializable(typeof(EdgeScalerConfig))]
public sealed partial class ConfigJsonContext : JsonSerializerContext;
