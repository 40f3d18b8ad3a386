namespace EdgeScaler.Panel.Tests;

using System.Device.Gpio;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Wiring;
using EdgeScaler.TestKit;

public class WiringTests
{
    private static PanelOptions Board() => new()
    {
        Chip = new() { Label = "pinctrl-rp1", Lines = 54 },
        Leds = new() { Green = new() { Line = 17 }, Amber = new() { Line = 27 }, Red = new() { Line = 22 } },
        Buttons = new() { Up = new() { Line = 5 }, Down = new() { Line = 6 }, Auto = new() { Line = 13 } },
    };

    [Fact]
    public void Config_overrides_the_board_profile_field_by_field()
    {
        var config = new PanelOptions
        {
            Enabled = true,
            Leds = new() { Red = new() { ActiveLow = true } },
            Buttons = new() { Down = new() { Line = 26, Pull = ButtonPull.Down }, Select = new() { Line = 19 } },
        };
        var w = PanelWiring.Resolve(config, Board(), out var errors);
        Assert.Empty(errors);
        Assert.Equal(("pinctrl-rp1", 54), (w!.ChipLabel, w.ChipLines!.Value));
        Assert.Equal(new LedLine(LedColor.Red, 22, true), w.Leds.Single(l => l.Color == LedColor.Red));
        Assert.Equal(new ButtonLine(PanelButton.Down, 26, ButtonPull.Down, false), w.Buttons.Single(b => b.Button == PanelButton.Down));
        Assert.Equal(new ButtonLine(PanelButton.Up, 5, ButtonPull.Up, true), w.Buttons.Single(b => b.Button == PanelButton.Up));
        Assert.Equal(19, w.Buttons.Single(b => b.Button == PanelButton.Select).Line);
    }

    [Fact]
    public void Missing_and_inconsistent_wiring_names_each_config_key()
    {
        var config = new PanelOptions
        {
            Enabled = true,
            Leds = new() { Green = new() { Line = 5 }, Amber = new() { Line = -1 } },
            Buttons = new() { Up = new() { Line = 5 }, Down = new() { Line = 6 }, Auto = new() { Line = 7, Pull = ButtonPull.None } },
        };
        Assert.Null(PanelWiring.Resolve(config, null, out var errors));
        var all = string.Join("\n", errors);
        Assert.Contains("panel.chip", all);
        Assert.Contains("panel.leds.amber.line must be 0 or more", all);
        Assert.Contains("panel.leds.red.line is not set", all);
        Assert.Contains("panel.buttons.auto.activeLow must be set", all);
        Assert.Contains("line 5 is used twice: panel.leds.green and panel.buttons.up", all);
    }

    private static readonly GpioChipInfo[] Pi5 =
    [
        new(0, "gpiochip0", "pinctrl-rp1", 54),
        new(10, "gpiochip10", "gpio-brcmstb@107d508500", 32),
        new(11, "gpiochip11", "gpio-brcmstb@107d508520", 4),
    ];

    [Fact]
    public void The_chip_is_chosen_by_label_or_line_count_not_number()
    {
        Assert.Equal(0, GpioChipSelector.Select(Pi5, "pinctrl-rp1", null, out _)!.Id);
        Assert.Equal(0, GpioChipSelector.Select(Pi5, null, 54, out _)!.Id);
        // Older Pi 5 kernels: the same chip is gpiochip4; the same config still finds it.
        GpioChipInfo[] oldKernel = [new(0, "gpiochip0", "gpio-brcmstb@107d508500", 32), new(4, "gpiochip4", "pinctrl-rp1", 54)];
        Assert.Equal(4, GpioChipSelector.Select(oldKernel, "PINCTRL-RP1", 54, out _)!.Id);
    }

    [Fact]
    public void No_or_ambiguous_chip_match_explains_what_was_found()
    {
        Assert.Null(GpioChipSelector.Select(Pi5, "pinctrl-bcm2711", null, out var none));
        Assert.Contains("gpiochip0 [pinctrl-rp1] (54 lines)", none);
        GpioChipInfo[] rk3588 = [new(0, "gpiochip0", "gpio0", 32), new(1, "gpiochip1", "gpio1", 32)];
        Assert.Null(GpioChipSelector.Select(rk3588, null, 32, out var two));
        Assert.Contains("2 gpiochips match", two);
    }

    [Fact]
    public void Fault_classifier_names_the_fix_for_each_known_failure()
    {
        Assert.Equal(PanelFaultKind.LibgpiodMissing, PanelFaultClassifier.Classify(new DllNotFoundException("Unable to load shared library 'libgpiod.so.3'"), "/dev/gpiochip0").Kind);
        Assert.Equal(PanelFaultKind.LibgpiodMissing,
            PanelFaultClassifier.Classify(new PlatformNotSupportedException("wrapped", new DllNotFoundException("libgpiod.so.2")), "/dev/gpiochip0").Kind);
        var denied = PanelFaultClassifier.Classify(new UnauthorizedAccessException("Access to the path '/dev/gpiochip0' is denied."), "/dev/gpiochip0");
        Assert.Equal(PanelFaultKind.PermissionDenied, denied.Kind);
        Assert.Contains("gpio", denied.Fix);
        Assert.Equal(PanelFaultKind.LineBusy, PanelFaultClassifier.Classify(new IOException("Error while requesting line 17: Device or resource busy"), "/dev/gpiochip0").Kind);
        Assert.Equal(PanelFaultKind.IoError, PanelFaultClassifier.Classify(new IOException("No such device"), "/dev/gpiochip0").Kind);
    }

    [Fact]
    public void Linux_gpio_without_any_chip_device_fails_with_the_no_chip_fault()
    {
        var dev = Directory.CreateTempSubdirectory("es-dev-");
        try
        {
            var w = PanelWiring.Resolve(new PanelOptions { Enabled = true }, Board(), out _)!;
            var e = Assert.Throws<PanelFaultException>(() => new LinuxPanelGpio(dev.FullName).Open(w, out _));
            Assert.Equal(PanelFaultKind.NoGpioChip, e.Fault.Kind);
            Assert.Contains("gpiochip*", e.Fault.Message);
        }
        finally { dev.Delete(true); }
    }

    [Fact]
    public void Chip_devices_are_found_by_name_pattern()
    {
        var dev = Directory.CreateTempSubdirectory("es-dev-");
        try
        {
            foreach (var n in new[] { "gpiochip0", "gpiochip10", "gpiomem", "gpiochipX" }) File.WriteAllText(Path.Combine(dev.FullName, n), "");
            Assert.Equal(["gpiochip0", "gpiochip10"], LinuxPanelGpio.ChipDevices(dev.FullName).Select(Path.GetFileName));
            Assert.True(LinuxPanelGpio.CanOpen(Path.Combine(dev.FullName, "gpiochip0")));
        }
        finally { dev.Delete(true); }
    }
}

public class PanelOptionsValidationTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new PanelOptions().Validate());
        Assert.Empty(new PanelOptions { Enabled = true, Targets = ["default/web"] }.Validate());
    }

    [Fact]
    public void Each_bad_value_is_reported_with_its_key()
    {
        var o = new PanelOptions
        {
            Debounce = TimeSpan.Zero,
            AutoHold = TimeSpan.FromMinutes(5),
            AcknowledgeHold = TimeSpan.FromMilliseconds(10),
            PinFor = TimeSpan.FromSeconds(-1),
            Retry = TimeSpan.FromMilliseconds(10),
            Targets = ["web"],
            Chip = new() { Lines = 0 },
            Leds = new() { Red = new() { Line = -3 } },
            Buttons = new() { Select = new() { Line = 4, Pull = ButtonPull.None } },
        };
        var keys = o.Validate().Select(p => p.Key).ToList();
        Assert.Equal(["debounce", "autoHold", "acknowledgeHold", "pinFor", "retry", "targets[0]", "chip.lines", "leds.red.line", "buttons.select.activeLow"], keys);
        Assert.Equal("\"0s\"", o.Validate().First().Got);
    }
}

public class BoardPanelDefaultsTests
{
    [Fact]
    public void Every_board_profile_with_a_panel_section_resolves_to_complete_wiring()
    {
        var profiles = Directory.GetFiles(RepoPaths.Of("boards"), "profile.json", SearchOption.AllDirectories);
        var withPanel = 0;
        foreach (var file in profiles)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            if (!doc.RootElement.TryGetProperty("panel", out var panel)) continue;
            withPanel++;
            var board = BoardPanelDefaults.FromJson(panel, out var problem);
            Assert.True(board is not null, $"{file}: {problem}");
            var wiring = PanelWiring.Resolve(new PanelOptions { Enabled = true }, board, out var errors);
            Assert.True(wiring is not null, $"{file}: {string.Join("; ", errors)}");
            Assert.True(wiring!.ChipLabel is not null || wiring.ChipLines is not null);
        }
        Assert.True(withPanel >= 1, "no board profile has a panel section");
    }

    [Fact]
    public void A_misspelt_key_in_a_board_panel_section_is_a_problem_not_a_silent_default()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{ "leds": { "green": { "lien": 17 } } }""");
        Assert.Null(BoardPanelDefaults.FromJson(doc.RootElement, out var problem));
        Assert.Contains("lien", problem);
        Assert.Null(BoardPanelDefaults.FromJson(null, out problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Board_pull_and_polarity_are_read()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{ "chip": { "lines": 32 }, "buttons": { "up": { "line": 3, "pull": "down" } }, "leds": { "red": { "line": 4, "activeLow": true } } }""");
        var o = BoardPanelDefaults.FromJson(doc.RootElement, out _)!;
        Assert.Equal((32, ButtonPull.Down, true), (o.Chip.Lines!.Value, o.Buttons.Up!.Pull!.Value, o.Leds.Red!.ActiveLow!.Value));
    }
}
