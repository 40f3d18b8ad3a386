namespace EdgeScaler.Panel.Wiring;

using EdgeScaler.Panel.Input;

public enum LedColor { Green, Amber, Red }

public enum ButtonPull { Up, Down, None }

public sealed record LedLine(LedColor Color, int Line, bool ActiveLow);

public sealed record ButtonLine(PanelButton Button, int Line, ButtonPull Pull, bool ActiveLow);

/// <summary>Fully resolved panel wiring: which chip, which line does what. Built by <see cref="Resolve"/>.</summary>
public sealed record PanelWiring(string? ChipLabel, int? ChipLines, IReadOnlyList<LedLine> Leds, IReadOnlyList<ButtonLine> Buttons)
{
    /// <summary>
    /// Merges the config over the board profile's defaults, field by field, and checks the result.
    /// Returns null with the problems (one per line, each naming the config key) when the wiring is unusable.
    /// </summary>
    public static PanelWiring? Resolve(PanelOptions config, PanelOptions? board, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var label = config.Chip.Label ?? board?.Chip.Label;
        var lines = config.Chip.Lines ?? board?.Chip.Lines;
        if (string.IsNullOrWhiteSpace(label) && lines is null)
            problems.Add("panel.chip: give a chip label (e.g. \"pinctrl-rp1\") or line count (e.g. 54); chip numbers are never used");

        var leds = new List<LedLine>();
        AddLed(LedColor.Green, config.Leds.Green, board?.Leds.Green);
        AddLed(LedColor.Amber, config.Leds.Amber, board?.Leds.Amber);
        AddLed(LedColor.Red, config.Leds.Red, board?.Leds.Red);

        var buttons = new List<ButtonLine>();
        AddButton(PanelButton.Up, config.Buttons.Up, board?.Buttons.Up, required: true);
        AddButton(PanelButton.Down, config.Buttons.Down, board?.Buttons.Down, required: true);
        AddButton(PanelButton.Auto, config.Buttons.Auto, board?.Buttons.Auto, required: true);
        AddButton(PanelButton.Select, config.Buttons.Select, board?.Buttons.Select, required: false);

        var used = leds.Select(l => (l.Line, Name: $"panel.leds.{Key(l.Color)}"))
            .Concat(buttons.Select(b => (b.Line, Name: $"panel.buttons.{Key(b.Button)}")));
        foreach (var clash in used.GroupBy(u => u.Line).Where(g => g.Count() > 1))
            problems.Add($"line {clash.Key} is used twice: {string.Join(" and ", clash.Select(c => c.Name))}");

        errors = problems;
        return problems.Count == 0 ? new PanelWiring(string.IsNullOrWhiteSpace(label) ? null : label, lines, leds, buttons) : null;

        void AddLed(LedColor color, PanelLedOptions? mine, PanelLedOptions? fallback)
        {
            var line = mine?.Line ?? fallback?.Line;
            if (line is null) { problems.Add($"panel.leds.{Key(color)}.line is not set and the board profile has no default"); return; }
            if (line < 0) { problems.Add($"panel.leds.{Key(color)}.line must be 0 or more, got {line}"); return; }
            leds.Add(new LedLine(color, line.Value, mine?.ActiveLow ?? fallback?.ActiveLow ?? false));
        }

        void AddButton(PanelButton button, PanelButtonOptions? mine, PanelButtonOptions? fallback, bool required)
        {
            var key = $"panel.buttons.{Key(button)}";
            var line = mine?.Line ?? fallback?.Line;
            if (line is null) { if (required) problems.Add($"{key}.line is not set and the board profile has no default"); return; }
            if (line < 0) { problems.Add($"{key}.line must be 0 or more, got {line}"); return; }
            var pullText = mine?.Pull ?? fallback?.Pull ?? "up";
            ButtonPull pull;
            switch (pullText.ToLowerInvariant())
            {
                case "up": pull = ButtonPull.Up; break;
                case "down": pull = ButtonPull.Down; break;
                case "none": pull = ButtonPull.None; break;
                default: problems.Add($"{key}.pull must be \"up\", \"down\" or \"none\", got \"{pullText}\""); return;
            }
            var activeLow = mine?.ActiveLow ?? fallback?.ActiveLow;
            if (activeLow is null && pull == ButtonPull.None) { problems.Add($"{key}.activeLow must be set when pull is \"none\""); return; }
            buttons.Add(new ButtonLine(button, line.Value, pull, activeLow ?? pull == ButtonPull.Up));
        }
    }

    private static string Key(LedColor c) => c switch { LedColor.Green => "green", LedColor.Amber => "amber", _ => "red" };

    private static string Key(PanelButton b) => b switch
    {
        PanelButton.Up => "up",
        PanelButton.Down => "down",
        PanelButton.Auto => "auto",
        _ => "select",
    };
}
