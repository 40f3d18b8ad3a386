namespace EdgeScaler.Panel.Wiring;

using System.Device.Gpio;

/// <summary>Picks the gpiochip by label and/or line count. Chip numbers move between kernels (Pi 5: gpiochip4 became gpiochip0), so they are never configured.</summary>
public static class GpioChipSelector
{
    /// <summary>The one chip matching the wanted label (case-insensitive) and line count; null with a reason otherwise.</summary>
    public static GpioChipInfo? Select(IEnumerable<GpioChipInfo> chips, string? label, int? lines, out string? problem)
    {
        var all = chips.ToList();
        var matches = all.Where(c =>
                (label is null || string.Equals(c.Label, label, StringComparison.OrdinalIgnoreCase)) &&
                (lines is null || c.NumLines == lines))
            .ToList();
        problem = null;
        if (matches.Count == 1) return matches[0];
        var want = Describe(label, lines);
        var seen = all.Count == 0 ? "none" : string.Join(", ", all.Select(c => $"{c.Name} [{c.Label}] ({c.NumLines} lines)"));
        problem = matches.Count == 0
            ? $"no gpiochip with {want}; found: {seen}. Set panel.chip.label/lines to one of these"
            : $"{matches.Count} gpiochips match {want} ({string.Join(", ", matches.Select(c => c.Name))}); add panel.chip.label or panel.chip.lines to choose one";
        return null;
    }

    private static string Describe(string? label, int? lines) => (label, lines) switch
    {
        (not null, not null) => $"label \"{label}\" and {lines} lines",
        (not null, null) => $"label \"{label}\"",
        (null, not null) => $"{lines} lines",
        _ => "any label",
    };
}
