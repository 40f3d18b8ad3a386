namespace EdgeScaler.Panel.Virtual;

using System.Device.Gpio;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Wiring;

/// <summary>Hands out controllers over one <see cref="VirtualGpioDriver"/>; chip selection by label/lines is checked just like on hardware.</summary>
public sealed class VirtualPanelGpio(VirtualGpioDriver driver) : IPanelGpio
{
    public VirtualGpioDriver Driver { get; } = driver;

    public GpioController Open(PanelWiring wiring, out string device)
    {
        device = "virtual:" + Driver.Label;
        if (Driver.Unplugged) throw new PanelFaultException(PanelFaultClassifier.NoGpioChip("virtual"));
        _ = GpioChipSelector.Select([Driver.GetChipInfo()], wiring.ChipLabel, wiring.ChipLines, out var problem)
            ?? throw new PanelFaultException(new PanelFault(PanelFaultKind.ChipNotFound, problem!, "set panel.chip.label to the virtual chip's label"));
        return new GpioController(Driver);
    }
}
