namespace EdgeScaler.Panel.Hardware;

using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using EdgeScaler.Panel.Wiring;

/// <summary>
/// The real chip, through libgpiod (v2 ABI first, then v1), constructed explicitly: never <c>new GpioController()</c>,
/// whose board guessing maps /dev/gpiomem and hard-codes chip numbers (boards-thermal-cgroups.md §2.1).
/// Before touching libgpiod it checks the character devices itself so the common failures (no chip,
/// not in the gpio group) get a precise message.
/// </summary>
public sealed class LinuxPanelGpio(string devDirectory = "/dev") : IPanelGpio
{
    public GpioController Open(PanelWiring wiring, out string device)
    {
        device = $"{devDirectory}/gpiochip*";
        var nodes = ChipDevices(devDirectory);
        if (nodes.Count == 0) throw new PanelFaultException(PanelFaultClassifier.NoGpioChip(devDirectory));
        if (nodes.All(n => !CanOpen(n))) throw new PanelFaultException(PanelFaultClassifier.PermissionDenied(nodes[0]));

        var (chips, useV2) = Enumerate();
        var chip = GpioChipSelector.Select(chips, wiring.ChipLabel, wiring.ChipLines, out var problem)
            ?? throw new PanelFaultException(new PanelFault(PanelFaultKind.ChipNotFound, problem!, "run `gpiodetect` and set panel.chip.label (or panel.chip.lines) to your chip"));
        device = $"{devDirectory}/{chip.Name}";
        if (!CanOpen(device)) throw new PanelFaultException(PanelFaultClassifier.PermissionDenied(device));
        try
        {
            GpioDriver driver = useV2 ? new LibGpiodV2Driver(chip.Id) : new LibGpiodDriver(chip.Id);
            return new GpioController(driver);
        }
        catch (Exception e) when (e is not PanelFaultException)
        {
            throw new PanelFaultException(PanelFaultClassifier.Classify(e, device));
        }
    }

    /// <summary>/dev/gpiochipN nodes, sorted.</summary>
    public static IReadOnlyList<string> ChipDevices(string devDirectory)
    {
        if (!Directory.Exists(devDirectory)) return [];
        return Directory.EnumerateFileSystemEntries(devDirectory, "gpiochip*")
            .Where(p => int.TryParse(Path.GetFileName(p).AsSpan("gpiochip".Length), out _))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether this process may open the node read-write (what libgpiod needs). Root passes every mode check.</summary>
    public static bool CanOpen(string path)
    {
        try
        {
            using var h = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (UnauthorizedAccessException) { return false; }
        catch (IOException) { return true; } // e.g. busy: not a permission problem; libgpiod reports the rest.
    }

    private static (IList<GpioChipInfo> Chips, bool V2) Enumerate()
    {
        Exception? first;
        try { return (LibGpiodV2Driver.GetAvailableChips(), true); }
        catch (Exception e) { first = e; }
        try { return (LibGpiodDriver.GetAvailableChips(), false); }
        catch (Exception e)
        {
            // Both ABIs failed: most often the library is simply not installed.
            var fault = PanelFaultClassifier.Classify(first is DllNotFoundException ? first : e, "gpiochip");
            throw new PanelFaultException(fault);
        }
    }
}
