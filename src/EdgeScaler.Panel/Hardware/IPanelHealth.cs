namespace EdgeScaler.Panel.Hardware;

public enum PanelState { Disabled, Starting, Running, Faulted }

/// <summary>The panel's health, for logs, `edgescaler doctor` and status telemetry.</summary>
public interface IPanelHealth
{
    PanelState State { get; }

    /// <summary>Set while <see cref="State"/> is <see cref="PanelState.Faulted"/>.</summary>
    PanelFault? Fault { get; }
}

public sealed class PanelHealth : IPanelHealth
{
    private volatile Snapshot _now = new(PanelState.Starting, null);

    public PanelState State => _now.State;
    public PanelFault? Fault => _now.Fault;

    public void Set(PanelState state, PanelFault? fault = null) => _now = new Snapshot(state, fault);

    private sealed record Snapshot(PanelState State, PanelFault? Fault);
}
