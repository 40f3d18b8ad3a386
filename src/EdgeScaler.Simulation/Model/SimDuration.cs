namespace EdgeScaler.Simulation.Model;

using System.Globalization;

/// <summary>
/// Go-style durations as users write them in scenarios and on the command line: "90s", "30m", "2h", "1h30m", "1.5h".
/// A bare number means seconds.
/// </summary>
public static class SimDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            if (bare < 0 || double.IsNaN(bare) || double.IsInfinity(bare)) return false;
            value = TimeSpan.FromSeconds(bare);
            return true;
        }
        double seconds = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            var unit = s[unitStart..i];
            double scale = unit switch { "ms" => 0.001, "s" => 1, "m" => 60, "h" => 3600, "d" => 86400, _ => -1 };
            if (scale < 0) return false;
            seconds += n * scale;
        }
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Short human form, e.g. "2h", "1h30m", "45s".</summary>
    public static string Format(TimeSpan t)
    {
        if (t == TimeSpan.Zero) return "0s";
        var total = (long)Math.Round(t.TotalSeconds);
        var h = total / 3600; var m = total % 3600 / 60; var sec = total % 60;
        return (h > 0 ? $"{h}h" : "") + (m > 0 ? $"{m}m" : "") + (sec > 0 ? $"{sec}s" : "");
    }
}
