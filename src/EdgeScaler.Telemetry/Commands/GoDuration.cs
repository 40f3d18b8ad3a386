namespace EdgeScaler.Telemetry.Commands;

using System.Globalization;

/// <summary>
/// Parses durations as Go's time.ParseDuration writes them ("30m", "1h30m", "1.5h", "90s"), plus "d" for days,
/// because that is what kubectl users type. Negative or signed values are refused: an override cannot end in the past.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64) return false;
        double totalSeconds = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start) return false;
            if (!double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return false;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            double? unitSeconds = text.AsSpan(unitStart, i - unitStart) switch
            {
                "ns" => 1e-9,
                "us" or "µs" => 1e-6,
                "ms" => 1e-3,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (unitSeconds is null) return false;
            totalSeconds += value * unitSeconds.Value;
            if (totalSeconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        }
        duration = TimeSpan.FromSeconds(totalSeconds);
        return true;
    }

    /// <summary>Go-style text ("1h30m0s") for messages and payloads.</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        var h = (long)d.TotalHours;
        var text = h > 0 ? $"{h}h{d.Minutes}m" : d.Minutes > 0 ? $"{d.Minutes}m" : "";
        var seconds = d.Seconds + d.Milliseconds / 1000.0;
        return text + seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }
}
