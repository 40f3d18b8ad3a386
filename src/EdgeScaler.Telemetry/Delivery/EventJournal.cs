namespace EdgeScaler.Telemetry.Delivery;

using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;

/// <summary>
/// One journaled event: its sequence number, the exact bytes to publish, and the journal epoch it was written under
/// (null for an event journaled before epochs existed, whose payload has none either).
/// </summary>
public readonly record struct JournalEntry(long Seq, byte[] Payload, string? Epoch);

/// <summary>
/// The bounded on-disk queue of events not yet acknowledged by the broker (PUBCOMP for QoS 2, PUBACK for QoS 1).
/// <list type="bullet">
/// <item>`events.log` is an append log of records `magic(2) length(4) seq(8) crc32(4) payload`, each fsynced, so a crash
/// leaves at worst one torn record at the tail, which the checksum finds and recovery cuts off.</item>
/// <item>`events.cursor` holds the last acknowledged sequence number, replaced by write-temp-then-rename + fsync.</item>
/// <item>`events.epoch` holds <see cref="Epoch"/>, a random id made when the journal is created (see <see cref="JournalEpoch"/>).</item>
/// </list>
/// Sequence numbers rise by one per event and survive restarts; they restart at 1 only with a new journal, which has a new
/// epoch, so (epoch, seq) never names two different events. Past <c>maxEvents</c> unacknowledged events the oldest is
/// dropped, counted and logged. Thread-safe.
/// </summary>
public sealed class EventJournal : IDisposable
{
    private const ushort Magic = 0xE5E7;
    private const int HeaderSize = 2 + 4 + 8 + 4;
    private const int MaxRecordBytes = 1 << 20;

    private readonly object _gate = new();
    private readonly Queue<JournalEntry> _pending = new();
    private readonly string _logPath;
    private readonly string _cursorPath;
    private readonly int _maxEvents;
    private readonly ILogger _logger;
    private readonly string _directory;
    private FileStream _log;
    private long _acked;
    private long _lastSeq;
    private int _ackedRecordsInLog;

    private EventJournal(string directory, int maxEvents, ILogger logger)
    {
        _logPath = Path.Combine(directory, "events.log");
        _cursorPath = Path.Combine(directory, "events.cursor");
        _maxEvents = maxEvents;
        _logger = logger;
        _directory = directory;
        _log = null!;
        Epoch = "";
    }

    /// <summary>This journal's epoch: goes into every event (payload and MQTT 5 user property) next to its seq.</summary>
    public string Epoch { get; private set; }

    /// <summary>Events dropped because the journal was full (since this process started).</summary>
    public long Dropped { get; private set; }

    public int PendingCount { get { lock (_gate) return _pending.Count; } }

    public long LastSequence { get { lock (_gate) return _lastSeq; } }

    public static EventJournal Open(string directory, int maxEvents, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        Directory.CreateDirectory(directory);
        var journal = new EventJournal(directory, maxEvents, logger);
        journal.Recover();
        return journal;
    }

    /// <summary>Journals an event whose bytes do not name the epoch (<see cref="Append(Func{long, string, byte[]})"/> for those that do).</summary>
    public long Append(Func<long, byte[]> serialize) => Append((seq, _) => serialize(seq));

    /// <summary>
    /// Journals an event. <paramref name="serialize"/> receives the event's sequence number and the journal's epoch and
    /// returns its bytes.
    /// </summary>
    public long Append(Func<long, string, byte[]> serialize)
    {
        lock (_gate)
        {
            var seq = _lastSeq + 1;
            var payload = serialize(seq, Epoch);
            if (payload.Length > MaxRecordBytes) throw new ArgumentException($"event of {payload.Length} bytes exceeds the journal's record limit");
            while (_pending.Count >= _maxEvents) DropOldest();
            WriteRecord(_log, seq, payload);
            _log.Flush(flushToDisk: true);
            _lastSeq = seq;
            _pending.Enqueue(new JournalEntry(seq, payload, Epoch));
            return seq;
        }
    }

    /// <summary>The oldest unacknowledged event, if any.</summary>
    public bool TryPeek(out JournalEntry entry)
    {
        lock (_gate) return _pending.TryPeek(out entry);
    }

    /// <summary>Marks the oldest event delivered. A stale sequence number (already dropped) is ignored.</summary>
    public void Ack(long seq)
    {
        lock (_gate)
        {
            if (!_pending.TryPeek(out var head) || head.Seq != seq) return;
            _pending.Dequeue();
            _acked = seq;
            _ackedRecordsInLog++;
            WriteCursor();
            Compact();
        }
    }

    public void Dispose()
    {
        lock (_gate) _log.Dispose();
    }

    private void DropOldest()
    {
        var dropped = _pending.Dequeue();
        _acked = dropped.Seq;
        _ackedRecordsInLog++;
        Dropped++;
        WriteCursor();
        if (Dropped == 1 || Dropped % 100 == 0)
            _logger.LogWarning("MQTT event journal full ({Max} events): dropped the oldest, seq {Seq}; {Dropped} dropped so far", _maxEvents, dropped.Seq, Dropped);
    }

    /// <summary>Keeps the log from growing forever: empty it once everything is delivered, or rewrite it when mostly delivered.</summary>
    private void Compact()
    {
        if (_pending.Count == 0)
        {
            _log.SetLength(0);
            _log.Flush(flushToDisk: true);
            _ackedRecordsInLog = 0;
        }
        else if (_ackedRecordsInLog > 1024 && _ackedRecordsInLog > _pending.Count)
        {
            Rewrite();
        }
    }

    private void Rewrite()
    {
        var temp = _logPath + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var e in _pending) WriteRecord(f, e.Seq, e.Payload);
            f.Flush(flushToDisk: true);
        }
        _log.Dispose();
        File.Move(temp, _logPath, overwrite: true);
        _log = OpenLogForAppend();
        _ackedRecordsInLog = 0;
    }

    private void Recover()
    {
        // A journal without an epoch is new (or its epoch file was lost): either way a fresh epoch can never make two
        // different events look alike; at worst a consumer sees a redelivered event under a new name once.
        var hadJournal = File.Exists(_cursorPath) || File.Exists(_logPath);
        Epoch = JournalEpoch.ReadOrCreate(Path.Combine(_directory, JournalEpoch.FileName), hadJournal, _logger);
        _acked = ReadCursor();
        _lastSeq = _acked;
        var goodLength = 0L;
        if (File.Exists(_logPath))
        {
            var bytes = File.ReadAllBytes(_logPath);
            var offset = 0;
            while (TryReadRecord(bytes, offset, out var seq, out var payload, out var length))
            {
                offset += length;
                _lastSeq = Math.Max(_lastSeq, seq);
                if (seq > _acked) _pending.Enqueue(new JournalEntry(seq, payload, JournalEpoch.FromPayload(payload)));
                else _ackedRecordsInLog++;
            }
            goodLength = offset;
            if (offset < bytes.Length)
                _logger.LogWarning("MQTT event journal {Path}: {Bytes} bytes after offset {Offset} are torn or corrupt and were discarded", _logPath, bytes.Length - offset, offset);
        }
        _log = OpenLogForAppend();
        if (_log.Length != goodLength)
        {
            _log.SetLength(goodLength);
            _log.Flush(flushToDisk: true);
        }
        _log.Seek(0, SeekOrigin.End);
        while (_pending.Count > _maxEvents) DropOldest();
        if (_pending.Count > 0)
            _logger.LogInformation("MQTT event journal: {Count} undelivered events recovered (seq {First}..{Last})", _pending.Count, _pending.Peek().Seq, _lastSeq);
    }

    private FileStream OpenLogForAppend()
    {
        var f = new FileStream(_logPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        f.Seek(0, SeekOrigin.End);
        return f;
    }

    private static void WriteRecord(Stream stream, long seq, byte[] payload)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt16LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[2..], payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[6..], seq);
        var crc = Crc32.Compute(payload, Crc32.Compute(header.Slice(6, 8)));
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], crc);
        stream.Write(header);
        stream.Write(payload);
    }

    internal static bool TryReadRecord(ReadOnlySpan<byte> data, int offset, out long seq, out byte[] payload, out int recordLength)
    {
        seq = 0; payload = []; recordLength = 0;
        if (data.Length - offset < HeaderSize) return false;
        var header = data.Slice(offset, HeaderSize);
        if (BinaryPrimitives.ReadUInt16LittleEndian(header) != Magic) return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[2..]);
        if (length < 0 || length > MaxRecordBytes || data.Length - offset - HeaderSize < length) return false;
        var body = data.Slice(offset + HeaderSize, length);
        var crc = Crc32.Compute(body, Crc32.Compute(header.Slice(6, 8)));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(header[14..])) return false;
        seq = BinaryPrimitives.ReadInt64LittleEndian(header[6..]);
        payload = body.ToArray();
        recordLength = HeaderSize + length;
        return true;
    }

    private long ReadCursor()
    {
        if (!File.Exists(_cursorPath)) return 0;
        var text = File.ReadAllText(_cursorPath).Trim();
        var parts = text.Split(' ');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            && parts[1] == CursorCheck(seq))
            return seq;
        // Re-sending delivered events beats losing undelivered ones: start from the beginning of the log.
        _logger.LogWarning("MQTT event journal cursor {Path} is unreadable ('{Text}'); replaying the whole log", _cursorPath, text.Length > 40 ? text[..40] : text);
        return 0;
    }

    private void WriteCursor()
    {
        var temp = _cursorPath + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var text = System.Text.Encoding.ASCII.GetBytes($"{_acked.ToString(CultureInfo.InvariantCulture)} {CursorCheck(_acked)}\n");
            f.Write(text);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, _cursorPath, overwrite: true);
    }

    private static string CursorCheck(long seq)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, seq);
        return Crc32.Compute(b).ToString("x8", CultureInfo.InvariantCulture);
    }
}
