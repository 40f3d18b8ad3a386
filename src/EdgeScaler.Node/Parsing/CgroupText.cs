namespace EdgeScaler.Node.Parsing;

/// <summary>Pure parsers for cgroup v1/v2 file formats (cgroup-v2.rst "Interface Files"): bytes in, values out.</summary>
public static class CgroupText
{
    /// <summary>
    /// A single-value file ("183205731\n"): v1 <c>cpuacct.usage</c>, <c>memory.usage_in_bytes</c>, v2 <c>memory.current</c>.
    /// Negative values are out of range: these are counters and sizes.
    /// </summary>
    public static ParseStatus ParseSingle(ReadOnlySpan<byte> text, out long value)
    {
        var status = Ascii.ParseInt64(text, out value);
        if (status == ParseStatus.Ok && value < 0) { value = 0; return ParseStatus.OutOfRange; }
        return status;
    }

    /// <summary>
    /// The value of <paramref name="key"/> in a flat-keyed file ("key value" per line: <c>cpu.stat</c>, <c>memory.stat</c>).
    /// Parses by key, never by position: kernels add keys. A last line cut off mid-number still parses
    /// as the digits present, which is why callers cross-check (a truncated file usually loses keys too).
    /// </summary>
    public static ParseStatus ParseFlatKeyed(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key, out long value)
    {
        value = 0;
        if (Ascii.Trim(text).IsEmpty) return ParseStatus.Empty;
        while (Ascii.NextLine(ref text, out var line))
        {
            if (!Ascii.NextField(ref line, out var name) || !name.SequenceEqual(key)) continue;
            if (!Ascii.NextField(ref line, out var number)) return ParseStatus.Missing;
            return ParseSingle(number, out value);
        }
        return ParseStatus.Missing;
    }

    /// <summary>
    /// PSI ("some avg10=0.00 avg60=0.12 avg300=0.05 total=1234567\nfull …"): the cumulative <c>total</c> of the
    /// some and full lines, in µs. A missing full line (CPU before 5.13) gives a null full.
    /// </summary>
    public static ParseStatus ParsePressure(ReadOnlySpan<byte> text, out long? someTotal, out long? fullTotal)
    {
        someTotal = null; fullTotal = null;
        if (Ascii.Trim(text).IsEmpty) return ParseStatus.Empty;
        while (Ascii.NextLine(ref text, out var line))
        {
            if (!Ascii.NextField(ref line, out var kind)) continue;
            var isSome = kind.SequenceEqual("some"u8);
            if (!isSome && !kind.SequenceEqual("full"u8)) continue;
            long? total = null;
            while (Ascii.NextField(ref line, out var field))
            {
                if (!field.StartsWith("total="u8)) continue;
                var s = ParseSingle(field[6..], out var v);
                if (s != ParseStatus.Ok) return s;
                total = v;
            }
            if (total is null) return ParseStatus.Missing;
            if (isSome) someTotal = total; else fullTotal = total;
        }
        return someTotal is null ? ParseStatus.Missing : ParseStatus.Ok;
    }

    /// <summary>True if the space-separated <c>cgroup.controllers</c> list names <paramref name="controller"/>.</summary>
    public static bool ListsController(ReadOnlySpan<byte> controllersFile, ReadOnlySpan<byte> controller)
    {
        while (Ascii.NextField(ref controllersFile, out var c)) if (c.SequenceEqual(controller)) return true;
        return false;
    }
}
