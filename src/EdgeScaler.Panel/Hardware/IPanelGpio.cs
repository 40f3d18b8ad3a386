namespace EdgeScaler.Panel.Hardware;

using System.Device.Gpio;
using EdgeScaler.Panel.Wiring;

/// <summary>Opens the GPIO controller for a wiring: the real gpiochip (<see cref="LinuxPanelGpio"/>) or a virtual one.</summary>
public interface IPanelGpio
{
    /// <summary>Opens the chip the wiring names. Throws <see cref="PanelFaultException"/> when it cannot, with the fix.</summary>
    GpioController Open(PanelWiring wiring, out string device);
}

/// <summary>An exception carrying an already-classified <see cref="PanelFault"/>.</summary>
public sealed class PanelFaultException(PanelFault fault) : Exception(fault.ToString())
{
    public PanelFault Fault { get; } = fault;
}
