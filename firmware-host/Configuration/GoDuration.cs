namespace EdgeScaler.Host.Configuration;

using System.Globalization;
using System.Text;

/// <summary>
/// Durations written the way Kubernetes and Go write them ("10s", "1m30s", "250ms", "1h"), the same form the
/// CLI's `--interval` takes, so a config file and a command line read alike.
/// </summary>
public static class GoDuration
{
    public const string Expected = "a duration such as \"10s\", \"1m30s\" or \"500ms\" (units ns, us, ms, s, m, h)";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text)) return false;
        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '+' or '-') { negative = s[0] == '-'; s = s[1..]; }
        if (s is "0") { return true; }
        if (s.IsEmpty) return false;
        decimal totalNs = 0;
        while (!s.IsEmpty)
        {
            var n = 0;
            while (n < s.Length && (char.IsAsciiDigit(s[n]) || s[n] == '.')) n++;
            if (n == 0 || !decimal.TryParse(s[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            s = s[n..];
            var u = 0;
            while (u < s.Length && !char.IsAsciiDigit(s[u]) && s[u] != '.') u++;
            decimal unitNs = s[..u] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (unitNs < 0) return false;
            s = s[u..];
            try { totalNs += number * unitNs; } catch (OverflowException) { return false; }
        }
        var ticks = totalNs / 100m; // a TimeSpan tick is 100 ns
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)ticks);
        if (negative) value = -value;
        return true;
    }

    /// <summary>Formats like Go's time.Duration.String(): "10s", "1m30s", "1h0m0s", "250ms".</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        var sb = new StringBuilder();
        if (d < TimeSpan.Zero) { sb.Append('-'); d = d.Duration(); }
        if (d < TimeSpan.FromSeconds(1))
        {
            var ns = d.Ticks * 100;
            if (ns < 1_000) return sb.Append(ns).Append("ns").ToString();
            if (ns < 1_000_000) return sb.Append(Trim(ns / 1_000m)).Append("us").ToString();
            return sb.Append(Trim(ns / 1_000_000m)).Append("ms").ToString();
        }
        var hours = (long)d.TotalHours;
        var rest = d - TimeSpan.FromHours(hours) - TimeSpan.FromMinutes(d.Minutes);
        var seconds = Trim((decimal)rest.Ticks / TimeSpan.TicksPerSecond);
        if (hours > 0) sb.Append(hours).Append('h').Append(d.Minutes).Append('m');
        else if (d.Minutes > 0) sb.Append(d.Minutes).Append('m');
        return sb.Append(seconds).Append('s').ToString();
    }

    private static string Trim(decimal v) => v.ToString("0.#########", CultureInfo.InvariantCulture);
}
