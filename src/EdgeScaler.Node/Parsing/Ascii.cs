namespace EdgeScaler.Node.Parsing;

using System.Buffers.Text;

/// <summary>Byte-level helpers for the ASCII text sysfs, procfs and cgroupfs produce. No allocation.</summary>
public static class Ascii
{
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0;

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        while (start < s.Length && IsSpace(s[start])) start++;
        var end = s.Length;
        while (end > start && IsSpace(s[end - 1])) end--;
        return s[start..end];
    }

    /// <summary>Parses a whole token as a non-negative or negative decimal <see cref="long"/>.</summary>
    public static ParseStatus ParseInt64(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        token = Trim(token);
        if (token.IsEmpty) return ParseStatus.Empty;
        if (Utf8Parser.TryParse(token, out value, out var used) && used == token.Length) return ParseStatus.Ok;
        // Distinguish "too big" (all digits) from garbage.
        var digits = token[0] is (byte)'-' or (byte)'+' ? token[1..] : token;
        if (!digits.IsEmpty && AllDigits(digits)) return ParseStatus.OutOfRange;
        return ParseStatus.NotANumber;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (var b in s) if (b is < (byte)'0' or > (byte)'9') return false;
        return true;
    }

    /// <summary>Next line (without its '\n') from <paramref name="text"/>, advancing it. False at the end.</summary>
    public static bool NextLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty) { line = default; return false; }
        var nl = text.IndexOf((byte)'\n');
        if (nl < 0) { line = text; text = default; }
        else { line = text[..nl]; text = text[(nl + 1)..]; }
        return true;
    }

    /// <summary>Next whitespace-separated field, advancing <paramref name="text"/>. False when none is left.</summary>
    public static bool NextField(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> field)
    {
        var i = 0;
        while (i < text.Length && IsSpace(text[i])) i++;
        if (i == text.Length) { field = default; text = default; return false; }
        var j = i;
        while (j < text.Length && !IsSpace(text[j])) j++;
        field = text[i..j];
        text = text[j..];
        return true;
    }
}
