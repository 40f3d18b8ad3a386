namespace EdgeScaler.Telemetry.Commands;

using System.Buffers;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// What identifies one delivery of a command: a digest of topic, payload, response topic and correlation data, plus
/// the MQTT packet identifier and DUP flag it arrived with.
/// </summary>
public readonly record struct CommandDelivery(UInt128 Digest, ushort PacketId, bool Dup, bool HasCorrelation)
{
    public static CommandDelivery From(string topic, ReadOnlySequence<byte> payload, string? responseTopic, ReadOnlySpan<byte> correlation, ushort packetId, bool dup)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendField(hash, Encoding.UTF8.GetBytes(topic));
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, payload.Length);
        hash.AppendData(length);
        foreach (var segment in payload) hash.AppendData(segment.Span);
        AppendField(hash, Encoding.UTF8.GetBytes(responseTopic ?? ""));
        AppendField(hash, correlation);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return new CommandDelivery(BitConverter.ToUInt128(digest), packetId, dup, !correlation.IsEmpty);
    }

    // Length-prefixed, so ("a", "bc") and ("ab", "c") differ.
    private static void AppendField(IncrementalHash hash, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, field.Length);
        hash.AppendData(length);
        hash.AppendData(field);
    }
}

/// <summary>
/// Remembers the commands answered in the last <c>window</c> (at most <c>capacity</c>), so a redelivered command is
/// answered again with its first answer instead of being applied a second time (which would restart its `for` timer).
/// A delivery is a redelivery of an earlier one when
/// <list type="bullet">
/// <item>it carries MQTT 5 correlation data and topic, payload, response topic and correlation data are all the same:
/// correlation data names one request, and it is what a publisher's own QoS 1 retry repeats (the broker forwards
/// such a retry as a new message, DUP clear); or</item>
/// <item>it has the DUP flag and the same packet identifier, topic and payload: the broker sending again a message
/// whose PUBACK it never got (a connection lost right after delivery, resent from the persistent session).</item>
/// </list>
/// A command sent again on purpose (new packet, no or new correlation data) is applied again, so resending
/// `{"replicas":3,"for":"30m"}` still extends a pin. Not thread-safe: the single command loop owns it.
/// </summary>
public sealed class RecentCommands(int capacity, TimeSpan window)
{
    private readonly LinkedList<(CommandDelivery Delivery, CommandOutcome Outcome, DateTimeOffset At)> _entries = new();

    public int Count => _entries.Count;

    /// <summary>The first answer to an earlier delivery of the same command, or null when this one is new.</summary>
    public CommandOutcome? FindRedelivery(CommandDelivery delivery, DateTimeOffset now)
    {
        Expire(now);
        // Newest first: packet identifiers are reused, and the latest answer is the one to repeat.
        for (var node = _entries.Last; node is not null; node = node.Previous)
        {
            var (earlier, outcome, _) = node.Value;
            if (earlier.Digest != delivery.Digest) continue;
            if (delivery.HasCorrelation) return outcome;
            if (delivery.Dup && earlier.PacketId == delivery.PacketId) return outcome;
        }
        return null;
    }

    public void Remember(CommandDelivery delivery, CommandOutcome outcome, DateTimeOffset now)
    {
        Expire(now);
        _entries.AddLast((delivery, outcome, now));
        while (_entries.Count > capacity) _entries.RemoveFirst();
    }

    private void Expire(DateTimeOffset now)
    {
        while (_entries.First is { } first && now - first.Value.At > window) _entries.RemoveFirst();
    }
}
