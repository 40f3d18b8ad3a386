namespace EdgeScaler.Panel.Hardware;

public enum PanelFaultKind
{
    /// <summary>No /dev/gpiochip* at all.</summary>
    NoGpioChip,
    /// <summary>/dev/gpiochipN exists but we may not open it.</summary>
    PermissionDenied,
    /// <summary>Another process holds one of our lines.</summary>
    LineBusy,
    /// <summary>libgpiod (libgpiod.so.2/.3) is not installed.</summary>
    LibgpiodMissing,
    /// <summary>No chip (or more than one) matches panel.chip.</summary>
    ChipNotFound,
    /// <summary>panel.* config is incomplete or inconsistent.</summary>
    BadWiring,
    /// <summary>The chip went away or an I/O call failed while running (unplugged HAT, driver reset).</summary>
    IoError,
}

/// <summary>Why the panel is not running, and the one thing to do about it. Logged as one line; reported by `edgescaler doctor`.</summary>
public sealed record PanelFault(PanelFaultKind Kind, string Message, string Fix)
{
    public override string ToString() => $"{Message} — fix: {Fix}";
}

/// <summary>Maps what the GPIO stack throws onto a <see cref="PanelFault"/> with a fix. Pure, so it is tested with the exceptions the drivers really throw.</summary>
public static class PanelFaultClassifier
{
    public static PanelFault Classify(Exception e, string device)
    {
        // DllNotFoundException derives from TypeLoadException; the drivers also wrap it in a PlatformNotSupportedException.
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is DllNotFoundException or EntryPointNotFoundException || x.Message.Contains("libgpiod", StringComparison.OrdinalIgnoreCase) && x is not IOException)
                return new(PanelFaultKind.LibgpiodMissing, $"libgpiod is missing or too old ({x.Message.Split('\n')[0]})",
                    "install it: `sudo apt install libgpiod2` (Debian 12/Raspberry Pi OS bookworm) or `libgpiod3` (trixie); in a container image add the package");
            if (x is UnauthorizedAccessException || x.Message.Contains("permission denied", StringComparison.OrdinalIgnoreCase)
                || x.Message.Contains("EACCES", StringComparison.Ordinal))
                return PermissionDenied(device);
            if (x.Message.Contains("busy", StringComparison.OrdinalIgnoreCase) || x.Message.Contains("in use", StringComparison.OrdinalIgnoreCase)
                || x.Message.Contains("EBUSY", StringComparison.Ordinal))
                return new(PanelFaultKind.LineBusy, $"a panel line on {device} is claimed by another process ({x.Message.Split('\n')[0]})",
                    "find the holder with `gpioinfo` (consumer column) and stop it, or move the panel to free lines in panel.leds/panel.buttons");
        }
        return new(PanelFaultKind.IoError, $"GPIO on {device} failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}",
            "check the panel's cable/HAT and `gpiodetect`; the agent retries on its own");
    }

    public static PanelFault PermissionDenied(string device) =>
        new(PanelFaultKind.PermissionDenied, $"permission denied opening {device}",
            "add the service user to the group owning it: `sudo usermod -aG gpio edgescaler` (the unit sets SupplementaryGroups=gpio; on non-Raspberry Pi OS add a udev rule giving /dev/gpiochip* to group gpio, mode 0660)");

    public static PanelFault NoGpioChip(string devDir) =>
        new(PanelFaultKind.NoGpioChip, $"no GPIO chip device ({devDir}/gpiochip*)",
            "enable GPIO in the kernel/device tree, or in a k3s pod mount /dev/gpiochipN (see docs/deploy.md); set panel.enabled=false if this node has no panel");
}
