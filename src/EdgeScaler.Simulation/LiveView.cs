namespace EdgeScaler.Simulation;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Model;
using Microsoft.Extensions.Logging;

/// <summary>
/// The terminal view while a simulation runs: progress, each node's temperature, state and clock, each workload's
/// demand, service and replicas, and the virtual panel's LEDs. On a terminal it redraws in place (at most 10 times a
/// wall second); otherwise it prints one plain line every 10 simulated minutes, so logs stay readable. Messages from
/// the services (overrides, panel refusals, MQTT trouble) show as the view's last line, or as plain lines.
/// </summary>
public sealed class LiveView(TextWriter output, TextWriter error, bool interactive, string title, TimeSpan duration) : ISimulationObserver
{
    private readonly object _gate = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private int _linesDrawn;
    private TimeSpan _nextPlain = TimeSpan.Zero;
    private double _dropped;

    public string Footer { get; set; } = "";

    /// <summary>The virtual panel's LEDs as glyphs (argument: with colour), drawn on a terminal.</summary>
    public Func<bool, string>? Panel { get; set; }

    /// <summary>Which keys work, shown on a terminal when keys are read.</summary>
    public string? KeyHelp { get; set; }

    /// <summary>A message from a service: the last line of the view on a terminal, otherwise a line of its own (warnings to stderr).</summary>
    public void Log(LogLevel level, string message)
    {
        if (interactive) { Footer = message; return; }
        lock (_gate) (level >= LogLevel.Warning ? error : output).WriteLine(message);
    }

    public void OnTick(SimulatedCluster cluster, TickRecord tick)
    {
        lock (_gate) OnTickLocked(cluster, tick);
    }

    private void OnTickLocked(SimulatedCluster cluster, TickRecord tick)
    {
        foreach (var w in tick.Workloads) _dropped += w.Dropped;
        var last = tick.Elapsed >= duration;
        if (interactive)
        {
            if (!last && _sinceDraw.ElapsedMilliseconds < 100) return;
            _sinceDraw.Restart();
            Draw(cluster, tick);
        }
        else if (tick.Elapsed >= _nextPlain || last)
        {
            _nextPlain = tick.Elapsed + TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(tick.Elapsed.Ticks % TimeSpan.FromMinutes(10).Ticks);
            output.WriteLine(PlainLine(cluster, tick));
        }
    }

    private string PlainLine(SimulatedCluster cluster, TickRecord tick)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"[{tick.Time:HH:mm:ss} +{SimDuration.Format(tick.Elapsed),-6}] ambient {tick.AmbientCelsius:0.0}°C |");
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            var n = tick.Nodes[i];
            sb.Append(CultureInfo.InvariantCulture, $" {cluster.Nodes[i].Name} {n.Celsius:0.0}°C {n.State.ToWire()}{(n.Throttled ? $"@{n.FrequencyMHz}" : "")}");
        }
        sb.Append(" |");
        for (var i = 0; i < cluster.Workloads.Count; i++)
        {
            var w = tick.Workloads[i];
            sb.Append(CultureInfo.InvariantCulture, $" {cluster.Workloads[i].Spec.Name} {w.Served:0}/{w.Demand:0} r/s pods {w.ReadyReplicas}/{w.Replicas}→{w.Desired}");
        }
        if (tick.Leds.Count > 0)
        {
            sb.Append(" | panel");
            foreach (var led in tick.Leds) sb.Append(' ').Append(led.Name).Append('=').Append(led.State);
        }
        return sb.ToString();
    }

    private void Draw(SimulatedCluster cluster, TickRecord tick)
    {
        var lines = new List<string>();
        var fraction = Math.Clamp(tick.Elapsed / duration, 0, 1);
        var bar = new string('█', (int)(fraction * 30)).PadRight(30, '░');
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"\e[1m{title}\e[0m  {tick.Time:HH:mm:ss}  {bar} {fraction * 100,3:0}%  ambient {tick.AmbientCelsius:0.0} °C"));
        for (var i = 0; i < cluster.Nodes.Count && i < 16; i++)
        {
            var n = tick.Nodes[i];
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {cluster.Nodes[i].Name,-12} {n.Celsius,5:0.0} °C  {Colour(n.State)}  {n.FrequencyMHz,4} MHz{(n.Throttled ? " \e[31mTHROTTLED\e[0m" : "          ")}  cpu {n.Utilization * 100,3:0}%  pods {cluster.Nodes[i].Workloads(cluster).Count(),2}"));
        }
        if (cluster.Nodes.Count > 16) lines.Add($"  … and {cluster.Nodes.Count - 16} more nodes (all in timeline.csv)");
        for (var i = 0; i < cluster.Workloads.Count; i++)
        {
            var w = tick.Workloads[i];
            var reason = w.Reason.Length > 60 ? w.Reason[..59] + "…" : w.Reason;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {cluster.Workloads[i].Hpa,-18} {w.Demand,6:0} r/s in  {w.Served,6:0} served  {w.LatencyMs,6:0} ms  pods {w.ReadyReplicas,2}/{w.Replicas,2} → {w.Desired,2}  {reason}"));
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  dropped so far {_dropped:0}{(Panel is null ? "" : "   panel " + Panel(true))}"));
        if (KeyHelp is not null) lines.Add("  " + KeyHelp);
        var footer = Footer;
        if (footer.Length > 0) lines.Add("  " + (footer.Length > 150 ? footer[..149] + "…" : footer));

        var sb = new StringBuilder();
        if (_linesDrawn > 0) sb.Append(CultureInfo.InvariantCulture, $"\e[{_linesDrawn}F");
        foreach (var l in lines) sb.Append("\e[2K").Append(l).Append('\n');
        for (var i = lines.Count; i < _linesDrawn; i++) sb.Append("\e[2K\n");
        _linesDrawn = Math.Max(_linesDrawn, lines.Count);
        output.Write(sb.ToString());
        output.Flush();
    }

    private static string Colour(ThermalState s) => s switch
    {
        ThermalState.Cool => "\e[36mcool    \e[0m",
        ThermalState.Warm => "\e[33mwarm    \e[0m",
        ThermalState.Hot => "\e[31mhot     \e[0m",
        ThermalState.Critical => "\e[1;31mcritical\e[0m",
        _ => "unknown ",
    };
}
