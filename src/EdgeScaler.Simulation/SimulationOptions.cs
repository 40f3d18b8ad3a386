namespace EdgeScaler.Simulation;

using EdgeScaler.Simulation.Scenarios;

/// <summary>What `edgescaler simulate` was asked to do. Plain get/set properties so the host can bind them.</summary>
public sealed class SimulationOptions
{
    /// <summary>A scenario file, or the name of a built-in scenario; null runs the default scenario.</summary>
    public string? Scenario { get; set; }

    /// <summary>Overrides the scenario's duration.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Simulated seconds per wall second; null = as fast as possible ("max").</summary>
    public double? Speed { get; set; }

    public string OutDir { get; set; } = "sim-out";

    /// <summary>Overrides the scenario's seed.</summary>
    public ulong? Seed { get; set; }

    /// <summary>Forces one thermal policy on every workload for the main run (the comparison runs always use all three).</summary>
    public ThermalPolicyName? Policy { get; set; }

    /// <summary>Where the metrics API listens (loopback only); null picks a free port.</summary>
    public string? MetricsAddress { get; set; }

    /// <summary>An external MQTT broker (mqtt://host:port); null starts an embedded one.</summary>
    public string? Mqtt { get; set; }

    /// <summary>No MQTT at all: no embedded broker, no port.</summary>
    public bool NoMqtt { get; set; }

    /// <summary>Keep the metrics API and the broker up after the run until interrupted.</summary>
    public bool HoldOpen { get; set; }

    /// <summary>Skip the ignore/hold/shed comparison runs (summary.md then has only the main run).</summary>
    public bool NoCompare { get; set; }
}
