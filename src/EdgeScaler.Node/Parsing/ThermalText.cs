namespace EdgeScaler.Node.Parsing;

using System.Globalization;

/// <summary>Pure parsers for thermal, hwmon, firmware and cpufreq sysfs attributes.</summary>
public static class ThermalText
{
    /// <summary>Readings outside this band are sensor errors, not temperatures (silicon is rated roughly −55…+175 °C).</summary>
    public const double MinPlausibleCelsius = -55, MaxPlausibleCelsius = 175;

    /// <summary>A thermal zone <c>temp</c> or hwmon <c>tempN_input</c>: integer millidegrees Celsius ("48312\n").</summary>
    public static ParseStatus ParseMillidegrees(ReadOnlySpan<byte> text, out double celsius)
    {
        celsius = double.NaN;
        var s = Ascii.ParseInt64(text, out var milli);
        if (s != ParseStatus.Ok) return s;
        var c = milli / 1000.0;
        if (c < MinPlausibleCelsius || c > MaxPlausibleCelsius) return ParseStatus.OutOfRange;
        celsius = c;
        return ParseStatus.Ok;
    }

    /// <summary>
    /// The Raspberry Pi firmware <c>get_throttled</c> attribute: hex without "0x" ("50005\n"), written by
    /// <c>sprintf("%x\n")</c>. A "0x" prefix is tolerated. More than 32 bits is out of range.
    /// </summary>
    public static ParseStatus ParseThrottledBits(ReadOnlySpan<byte> text, out uint bits)
    {
        bits = 0;
        var t = Ascii.Trim(text);
        if (t.IsEmpty) return ParseStatus.Empty;
        if (t.StartsWith("0x"u8) || t.StartsWith("0X"u8)) t = t[2..];
        if (t.IsEmpty) return ParseStatus.NotANumber;
        foreach (var b in t) if (!Uri.IsHexDigit((char)b)) return ParseStatus.NotANumber;
        var start = 0;
        while (start < t.Length - 1 && t[start] == (byte)'0') start++;
        if (t.Length - start > 8) return ParseStatus.OutOfRange;
        Span<char> chars = stackalloc char[8];
        for (var i = start; i < t.Length; i++) chars[i - start] = (char)t[i];
        return uint.TryParse(chars[..(t.Length - start)], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bits)
            ? ParseStatus.Ok : ParseStatus.NotANumber;
    }

    /// <summary>A 0/1 flag attribute such as hwmon <c>in0_lcrit_alarm</c>.</summary>
    public static ParseStatus ParseFlag(ReadOnlySpan<byte> text, out bool value)
    {
        value = false;
        var t = Ascii.Trim(text);
        if (t.IsEmpty) return ParseStatus.Empty;
        if (t.SequenceEqual("0"u8)) return ParseStatus.Ok;
        if (t.SequenceEqual("1"u8)) { value = true; return ParseStatus.Ok; }
        return ParseStatus.NotANumber;
    }

    /// <summary>A cpufreq kHz attribute ("1500000\n"). Zero and above 100 GHz are out of range.</summary>
    public static ParseStatus ParseKiloHertz(ReadOnlySpan<byte> text, out long khz)
    {
        var s = CgroupText.ParseSingle(text, out khz);
        if (s == ParseStatus.Ok && (khz <= 0 || khz > 100_000_000)) { khz = 0; return ParseStatus.OutOfRange; }
        return s;
    }

    /// <summary>
    /// A short sysfs string attribute (zone <c>type</c>, hwmon <c>name</c>, device-tree <c>model</c>): trailing
    /// newline/NUL removed. Null when empty or not printable ASCII.
    /// </summary>
    public static string? ParseName(ReadOnlySpan<byte> text)
    {
        var t = Ascii.Trim(text);
        if (t.IsEmpty) return null;
        foreach (var b in t) if (b is < 0x20 or > 0x7e) return null;
        return System.Text.Encoding.ASCII.GetString(t);
    }

    /// <summary>A device-tree string list (<c>compatible</c>: NUL-separated, most specific first).</summary>
    public static List<string> ParseStringList(ReadOnlySpan<byte> text)
    {
        var result = new List<string>();
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)0);
            var item = end < 0 ? text : text[..end];
            if (ParseName(item) is { } s) result.Add(s);
            text = end < 0 ? default : text[(end + 1)..];
        }
        return result;
    }
}
