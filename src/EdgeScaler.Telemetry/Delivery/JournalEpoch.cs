namespace EdgeScaler.Telemetry.Delivery;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

/// <summary>
/// The journal's epoch: 16 random hex digits made when the journal directory is created and kept in `events.epoch`
/// (`&lt;epoch&gt; &lt;crc32&gt;`, written temp-then-rename with fsync). Deleting the directory restarts `seq` at 1, and also
/// makes a new epoch, so consumers that dedupe by (node, epoch, seq) never take a new event for a redelivered old one.
/// </summary>
internal static class JournalEpoch
{
    public const string FileName = "events.epoch";

    /// <summary>Reads the epoch, or creates and persists a new one when there is none or it is unreadable.</summary>
    /// <param name="hadJournal">Whether a cursor or log already existed (only then is a missing epoch worth a warning).</param>
    public static string ReadOrCreate(string path, bool hadJournal, ILogger logger)
    {
        string? text = null;
        if (File.Exists(path))
        {
            text = File.ReadAllText(path).Trim();
            var parts = text.Split(' ');
            if (parts.Length == 2 && IsWellFormed(parts[0]) && parts[1] == Check(parts[0])) return parts[0];
        }
        var epoch = New();
        Write(path, epoch);
        if (text is not null)
            logger.LogWarning("MQTT event journal epoch {Path} is unreadable ('{Text}'); new epoch {Epoch}: consumers see the following events as a new series",
                path, text.Length > 40 ? text[..40] : text, epoch);
        else if (hadJournal)
            logger.LogInformation("MQTT event journal: no epoch yet (journal from an older version); new epoch {Epoch}", epoch);
        else
            logger.LogInformation("MQTT event journal created with epoch {Epoch}", epoch);
        return epoch;
    }

    /// <summary>The `epoch` field of a journaled event payload; null if it has none (journaled before epochs).</summary>
    public static string? FromPayload(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEpoch = reader.ValueTextEquals("epoch"u8);
                reader.Read();
                if (isEpoch) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (JsonException) { }
        return null;
    }

    internal static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static bool IsWellFormed(string epoch) => epoch.Length == 16 && epoch.All(char.IsAsciiHexDigitLower);

    private static void Write(string path, string epoch)
    {
        var temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(Encoding.ASCII.GetBytes($"{epoch} {Check(epoch)}\n"));
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static string Check(string epoch) => Crc32.Compute(Encoding.ASCII.GetBytes(epoch)).ToString("x8", CultureInfo.InvariantCulture);
}
