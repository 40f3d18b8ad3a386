namespace EdgeScaler.Node.Parsing;

/// <summary>Pure parsers for the procfs files the node totals fall back to.</summary>
public static class ProcText
{
    /// <summary>USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture we run on.</summary>
    public const long NanosecondsPerTick = 10_000_000;

    /// <summary>
    /// Busy CPU time since boot from the first line of <c>/proc/stat</c>
    /// ("cpu  user nice system idle iowait irq softirq steal guest guest_nice"): everything but idle and iowait.
    /// guest and guest_nice are already inside user and nice, so they are not added again.
    /// </summary>
    public static ParseStatus ParseBusyCpuNanoseconds(ReadOnlySpan<byte> procStat, out long nanoseconds)
    {
        nanoseconds = 0;
        if (Ascii.Trim(procStat).IsEmpty) return ParseStatus.Empty;
        Ascii.NextLine(ref procStat, out var line);
        if (!Ascii.NextField(ref line, out var label) || !label.SequenceEqual("cpu"u8)) return ParseStatus.Missing;
        long busy = 0;
        for (var i = 0; i < 8; i++)
        {
            // Old kernels stop after idle/iowait; fewer than four fields is a cut-off line.
            if (!Ascii.NextField(ref line, out var f)) { if (i < 4) return ParseStatus.Missing; break; }
            var s = CgroupText.ParseSingle(f, out var ticks);
            if (s != ParseStatus.Ok) return s;
            if (i is 3 or 4) continue; // idle, iowait
            if (ticks > long.MaxValue / NanosecondsPerTick - busy / NanosecondsPerTick) return ParseStatus.OutOfRange;
            busy += ticks;
        }
        if (busy > long.MaxValue / NanosecondsPerTick) return ParseStatus.OutOfRange;
        nanoseconds = busy * NanosecondsPerTick;
        return ParseStatus.Ok;
    }

    /// <summary>A <c>/proc/meminfo</c> field in bytes ("MemAvailable:    123456 kB").</summary>
    public static ParseStatus ParseMeminfoBytes(ReadOnlySpan<byte> meminfo, ReadOnlySpan<byte> key, out long bytes)
    {
        bytes = 0;
        if (Ascii.Trim(meminfo).IsEmpty) return ParseStatus.Empty;
        while (Ascii.NextLine(ref meminfo, out var line))
        {
            if (!Ascii.NextField(ref line, out var name) || name.Length != key.Length + 1 || name[^1] != (byte)':' || !name[..^1].SequenceEqual(key)) continue;
            if (!Ascii.NextField(ref line, out var number)) return ParseStatus.Missing;
            var s = CgroupText.ParseSingle(number, out var kb);
            if (s != ParseStatus.Ok) return s;
            if (kb > long.MaxValue / 1024) return ParseStatus.OutOfRange;
            bytes = kb * 1024;
            return ParseStatus.Ok;
        }
        return ParseStatus.Missing;
    }

    /// <summary>
    /// Whether <c>/proc/cgroups</c> lists <paramref name="controller"/> as enabled
    /// ("#subsys_name hierarchy num_cgroups enabled"; "memory 0 39 0" is the Raspberry Pi default: disabled).
    /// Null when the controller is not listed at all or the line is malformed.
    /// </summary>
    public static bool? IsControllerEnabled(ReadOnlySpan<byte> procCgroups, ReadOnlySpan<byte> controller)
    {
        while (Ascii.NextLine(ref procCgroups, out var line))
        {
            if (!Ascii.NextField(ref line, out var name) || !name.SequenceEqual(controller)) continue;
            bool? enabled = null;
            var count = 0;
            while (Ascii.NextField(ref line, out var f))
            {
                count++;
                enabled = f.SequenceEqual("1"u8) ? true : f.SequenceEqual("0"u8) ? false : null;
            }
            return count == 3 ? enabled : null;
        }
        return null;
    }
}
