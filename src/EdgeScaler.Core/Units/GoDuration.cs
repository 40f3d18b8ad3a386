namespace EdgeScaler.Core.Units;

using System.Globalization;
using System.Text;

/// <summary>
/// Go's <c>time.Duration</c> text form, which Kubernetes uses on the wire (metrics.k8s.io <c>window</c>,
/// HPA behavior periods in logs): "10.002s", "1m30s", "1h0m0s", "500ms", "1.5µs", "0s".
/// Format matches Go's <c>Duration.String()</c>; Parse accepts what <c>time.ParseDuration</c> accepts.
/// Durations are whole nanoseconds held in a <see cref="long"/>, as in Go.
/// </summary>
public static class GoDuration
{
    private const long Nanosecond = 1;
    private const long Microsecond = 1000 * Nanosecond;
    private const long Millisecond = 1000 * Microsecond;
    private const long Second = 1000 * Millisecond;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;

    /// <summary>Nanoseconds in one <see cref="TimeSpan"/> tick.</summary>
    public const long NanosecondsPerTick = 100;

    public static string Format(TimeSpan value) => Format(ToNanoseconds(value));

    /// <summary>Formats like Go's <c>Duration.String()</c>.</summary>
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0) return "0s";
        var negative = nanoseconds < 0;
        // long.MinValue has no positive counterpart; ulong holds its magnitude.
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var sb = new StringBuilder(24);
        if (u < Second)
        {
            // Below one second Go picks one unit and prints a decimal fraction of it.
            (ulong unitNs, int digits, string suffix) = u switch
            {
                < (ulong)Microsecond => (1UL, 0, "ns"),
                < (ulong)Millisecond => ((ulong)Microsecond, 3, "µs"),
                _ => ((ulong)Millisecond, 6, "ms"),
            };
            AppendFixed(sb, u / unitNs, u % unitNs, digits);
            sb.Append(suffix);
        }
        else
        {
            var totalSeconds = u / Second;
            var fraction = u % Second;
            var hours = totalSeconds / 3600;
            var minutes = totalSeconds / 60 % 60;
            var seconds = totalSeconds % 60;
            if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            if (hours > 0 || minutes > 0) sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            AppendFixed(sb, seconds, fraction, 9);
            sb.Append('s');
        }
        if (negative) sb.Insert(0, '-');
        return sb.ToString();
    }

    /// <summary>Appends "whole[.fraction]" with the fraction's trailing zeros removed (Go's fmtFrac).</summary>
    private static void AppendFixed(StringBuilder sb, ulong whole, ulong fraction, int digits)
    {
        sb.Append(whole.ToString(CultureInfo.InvariantCulture));
        if (fraction == 0 || digits == 0) return;
        var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        sb.Append('.').Append(text);
    }

    /// <summary>Parses a Go duration; throws <see cref="FormatException"/> with the reason when it is not one.</summary>
    public static long ParseNanoseconds(string text)
    {
        if (TryParseNanoseconds(text, out var ns, out var error)) return ns;
        throw new FormatException(error);
    }

    public static TimeSpan Parse(string text) => FromNanoseconds(ParseNanoseconds(text));

    public static bool TryParse(string? text, out TimeSpan value)
    {
        var ok = TryParseNanoseconds(text, out var ns, out _);
        value = ok ? FromNanoseconds(ns) : default;
        return ok;
    }

    /// <summary>
    /// Go's <c>time.ParseDuration</c>: an optional sign, then one or more decimal numbers each with a unit
    /// (ns, us, µs, μs, ms, s, m, h), e.g. "300ms", "-1.5h", "2h45m". "0" alone is allowed.
    /// </summary>
    public static bool TryParseNanoseconds(string? text, out long nanoseconds, out string? error)
    {
        nanoseconds = 0;
        error = null;
        if (text is null) { error = "duration is missing"; return false; }
        var quoted = $"\"{text}\"";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) { negative = s[0] == '-'; s = s[1..]; }
        if (s is "0") return true;
        if (s.IsEmpty) { error = $"invalid duration {quoted}"; return false; }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            // Integer part.
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0]))) { error = $"invalid duration {quoted}"; return false; }
            var pre = TakeDigits(ref s, out var whole, out var wholeOverflow);
            if (wholeOverflow) { error = $"invalid duration {quoted}: too large"; return false; }
            // Fraction: keep as many digits as fit, like Go (extra digits only lose precision).
            ulong frac = 0; double scale = 1; var post = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var digits = 0;
                while (digits < s.Length && char.IsAsciiDigit(s[digits])) digits++;
                post = digits > 0;
                foreach (var c in s[..digits])
                {
                    if (frac > (ulong.MaxValue - 9) / 10) continue; // stop gaining precision, keep consuming
                    frac = frac * 10 + (ulong)(c - '0');
                    scale *= 10;
                }
                s = s[digits..];
            }
            if (!pre && !post) { error = $"invalid duration {quoted}"; return false; }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength])) unitLength++;
            if (unitLength == 0) { error = $"missing unit in duration {quoted}"; return false; }
            var unitText = s[..unitLength];
            s = s[unitLength..];
            ulong unit = unitText switch
            {
                "ns" => Nanosecond,
                "us" or "µs" or "μs" => Microsecond,
                "ms" => Millisecond,
                "s" => Second,
                "m" => Minute,
                "h" => Hour,
                _ => 0,
            };
            if (unit == 0) { error = $"unknown unit \"{unitText}\" in duration {quoted}"; return false; }

            if (whole > ((ulong)long.MaxValue + 1) / unit) { error = $"invalid duration {quoted}: too large"; return false; }
            var v = whole * unit;
            if (frac > 0)
            {
                // Go: v += uint64(float64(f) * (float64(unit) / scale)).
                var add = (ulong)(frac * ((double)unit / scale));
                v += add;
                if (v < add) { error = $"invalid duration {quoted}: too large"; return false; }
            }
            total += v;
            if (total < v || total > (ulong)long.MaxValue + 1) { error = $"invalid duration {quoted}: too large"; return false; }
        }
        if (negative)
        {
            nanoseconds = total == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)total;
            return true;
        }
        if (total > long.MaxValue) { error = $"invalid duration {quoted}: too large"; return false; }
        nanoseconds = (long)total;
        return true;
    }

    private static bool TakeDigits(ref ReadOnlySpan<char> s, out ulong value, out bool overflow)
    {
        value = 0; overflow = false;
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            var d = (ulong)(s[i] - '0');
            if (value > (ulong.MaxValue - d) / 10 || value * 10 + d > (ulong)long.MaxValue + 1) overflow = true;
            else value = value * 10 + d;
            i++;
        }
        s = s[i..];
        return i > 0;
    }

    /// <summary>Exact: a tick is 100 ns. Saturates at the <see cref="long"/> range.</summary>
    public static long ToNanoseconds(TimeSpan value) =>
        value.Ticks > long.MaxValue / NanosecondsPerTick ? long.MaxValue
        : value.Ticks < long.MinValue / NanosecondsPerTick ? long.MinValue
        : value.Ticks * NanosecondsPerTick;

    /// <summary>Truncates toward zero to whole ticks (100 ns), the resolution of <see cref="TimeSpan"/>.</summary>
    public static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / NanosecondsPerTick);
}
