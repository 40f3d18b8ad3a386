namespace EdgeScaler.Telemetry.Commands;

using System.Text.Json;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;

/// <summary>Limits a command is checked against (from <see cref="TelemetryOptions"/>).</summary>
public sealed record CommandLimits(int MaxPayloadBytes, TimeSpan MaxDuration, bool AllowForce, int MaxForcedReplicas)
{
    public static CommandLimits From(TelemetryOptions o) =>
        new(o.MaxCommandBytes, o.MaxOverride, o.AllowForce, o.MaxForcedReplicas);
}

/// <summary>Either an override request ready for the sink, or the reason the command was refused.</summary>
public readonly record struct ParsedCommand(OverrideRequest? Request, string? Rejection)
{
    public static ParsedCommand Reject(string reason) => new(null, reason);
}

/// <summary>
/// Turns a `.../set` payload into an <see cref="OverrideRequest"/>, strictly: unknown or repeated fields, fractions,
/// out-of-range replicas, unknown HPAs, silly durations and oversized payloads are each refused with a reason a person
/// can act on. Pure: no IO, time passed in.
/// </summary>
public static class CommandParser
{
    public static ParsedCommand Parse(HpaRef hpa, ReadOnlySpan<byte> payload, IHpaCatalog catalog, CommandLimits limits, DateTimeOffset now)
    {
        if (payload.Length > limits.MaxPayloadBytes)
            return ParsedCommand.Reject($"payload is {payload.Length} bytes; the limit is {limits.MaxPayloadBytes}");
        if (payload.IsEmpty)
            return ParsedCommand.Reject("payload is empty; expected {\"replicas\":N} or {\"mode\":\"auto\"}");

        int? replicas = null;
        string? mode = null, forText = null;
        bool force = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 2, CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return ParsedCommand.Reject("payload is not a JSON object; expected {\"replicas\":N} or {\"mode\":\"auto\"}");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name)) return ParsedCommand.Reject($"field '{name}' appears twice");
                reader.Read();
                switch (name)
                {
                    case "replicas":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var r))
                            return ParsedCommand.Reject("replicas must be a whole number");
                        replicas = r;
                        break;
                    case "mode":
                        if (reader.TokenType != JsonTokenType.String) return ParsedCommand.Reject("mode must be the string \"auto\"");
                        mode = reader.GetString();
                        break;
                    case "for":
                        if (reader.TokenType != JsonTokenType.String) return ParsedCommand.Reject("for must be a duration string such as \"30m\" or \"2h\"");
                        forText = reader.GetString();
                        break;
                    case "force":
                        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return ParsedCommand.Reject("force must be true or false");
                        force = reader.GetBoolean();
                        break;
                    default:
                        return ParsedCommand.Reject($"unknown field '{Truncate(name)}'; allowed: replicas, for, force, mode");
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                return ParsedCommand.Reject("payload is not a single JSON object");
        }
        catch (JsonException e)
        {
            return ParsedCommand.Reject($"payload is not valid JSON ({FirstSentence(e.Message)})");
        }

        if (!catalog.TryGetBounds(hpa, out var bounds))
            return ParsedCommand.Reject($"unknown HPA {hpa}");

        if (mode is not null)
        {
            if (mode != "auto") return ParsedCommand.Reject($"mode '{Truncate(mode)}' is not supported; only \"auto\" (set replicas to pin)");
            if (replicas is not null || forText is not null || force)
                return ParsedCommand.Reject("mode \"auto\" releases the override and takes no replicas, for or force");
            return new ParsedCommand(OverrideRequest.Auto(hpa, OverrideSource.Mqtt, now, "mqtt"), null);
        }
        if (replicas is null)
            return ParsedCommand.Reject("expected {\"replicas\":N} or {\"mode\":\"auto\"}");

        TimeSpan? duration = null;
        if (forText is not null)
        {
            if (!GoDuration.TryParse(forText, out var d))
                return ParsedCommand.Reject($"for '{Truncate(forText)}' is not a duration such as \"30m\" or \"2h\"");
            if (d < TimeSpan.FromSeconds(1))
                return ParsedCommand.Reject("for must be at least 1s");
            if (d > limits.MaxDuration)
                return ParsedCommand.Reject($"for {GoDuration.Format(d)} is longer than the allowed {GoDuration.Format(limits.MaxDuration)}");
            duration = d;
        }

        if (force)
        {
            if (!limits.AllowForce) return ParsedCommand.Reject("force is not allowed over MQTT here (mqtt.allowForce is off)");
            if (replicas < 0 || replicas > limits.MaxForcedReplicas)
                return ParsedCommand.Reject($"replicas {replicas} is outside [0, {limits.MaxForcedReplicas}] even with force");
        }
        else if (replicas < bounds.MinReplicas || replicas > bounds.MaxReplicas)
        {
            return ParsedCommand.Reject($"replicas {replicas} is outside [{bounds.MinReplicas}, {bounds.MaxReplicas}] of {hpa}");
        }

        return new ParsedCommand(OverrideRequest.Pin(hpa, replicas.Value, duration, force, OverrideSource.Mqtt, now, "mqtt"), null);
    }

    private static string Truncate(string s) => s.Length <= 32 ? s : s[..32] + "…";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
