namespace EdgeScaler.Node;

/// <summary>
/// The "node" section of /etc/edgescaler/edgescaler.json: what the sampler reads and how often.
/// Plain get/set properties so the host binds it AOT-safely; defaults in initializers.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>Where the host's /sys and /proc are: "/" on the host, e.g. "/host" in a pod with them mounted.</summary>
    public string HostRoot { get; set; } = "/";

    /// <summary>Board profile id (a directory name under boards/); null detects it from the device tree.</summary>
    public string? Board { get; set; }

    /// <summary>Sampling interval as a Go duration ("10s"); more than 100 ms.</summary>
    public string Interval { get; set; } = "10s";

    /// <summary>How long one thermal sensor read may take before the zone is reported absent (Go duration).</summary>
    public string ZoneTimeout { get; set; } = "500ms";

    /// <summary>Overrides of the board profile's limits (°C); null keeps the profile's.</summary>
    public double? WarmCelsius { get; set; }
    public double? HotCelsius { get; set; }
    public double? CriticalCelsius { get; set; }
    public double? HysteresisCelsius { get; set; }
}
