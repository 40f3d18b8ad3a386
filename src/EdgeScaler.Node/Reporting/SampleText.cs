namespace EdgeScaler.Node.Reporting;

using System.Globalization;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Core.Units;

/// <summary>The human `edgescaler sample` output: what this node sees, in the units kubectl top uses.</summary>
public static class SampleText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(SampleReport r, TextWriter o)
    {
        var cur = r.Current;
        o.WriteLine($"board:    {r.Board.Profile.Id} ({r.Board.Profile.Name}); {r.Board.Reason}");
        o.WriteLine($"host:     root {r.HostRoot}; cgroup {(cur.Cgroups.Version == 0 ? "none" : "v" + cur.Cgroups.Version)}, " +
                    $"{(cur.Cgroups.Driver is { } d ? d + " driver" : "no kubepods")}, memory controller {(cur.Cgroups.MemoryControllerEnabled ? "on" : "OFF")}");
        o.WriteLine($"window:   {GoDuration.Format(r.Rates.Window)} between two samples, newest at {cur.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", Inv)}");

        var t = cur.Thermal;
        o.WriteLine($"thermal:  {r.ThermalState.ToWire()}; hottest {C(t.HottestCelsius)}, smoothed {C(r.SmoothedCelsius)} " +
                    $"(warm {N(r.Limits.WarmCelsius)} / hot {N(r.Limits.HotCelsius)} / critical {N(r.Limits.CriticalCelsius)} °C, hysteresis {N(r.Limits.HysteresisCelsius)})");
        foreach (var z in t.Zones)
            o.WriteLine($"  zone {z.Type,-24} {(z.Skipped ? "skipped (offline on this board)" : z.Celsius is null ? "absent" : C(z.Celsius)),-10}{(z.Counts ? " counts" : "")}");
        if (t.Flags is { } f)
            o.WriteLine($"  throttle flags 0x{f.ToBits():x} from {t.FlagsSource}: {Flags(f)}");
        foreach (var p in t.CpuFreq)
            o.WriteLine($"  cpufreq {p.Name}: {MHz(p.CurrentKHz)} of {MHz(p.MaxKHz)}{(p.KernelCapped ? $", capped at {MHz(p.ScalingMaxKHz)}" : "")}");

        o.WriteLine($"node:     cpu {Cpu(r.Rates.Cpu.NanoCores)} ({cur.NodeCpuSource ?? "unavailable"}), working set {Mem(cur.Counters.MemoryWorkingSetBytes)} ({cur.NodeMemorySource ?? "unavailable"})");
        o.WriteLine($"pods:     {cur.Counters.Pods.Count}");
        if (cur.Counters.Pods.Count > 0)
        {
            o.WriteLine($"  {"POD UID / CONTAINER ID",-38} {"QOS",-11} {"CPU",12} {"MEMORY",11}");
            for (var i = 0; i < cur.Counters.Pods.Count; i++)
            {
                var pod = cur.Counters.Pods[i];
                var pr = r.Rates.Pods[i];
                o.WriteLine($"  {pod.Uid,-38} {SampleJson.QosName(pod.Qos),-11} {Cpu(pr.CpuNanoCores),12} {Mem(pod.MemoryWorkingSetBytes),11}");
                foreach (var c in pr.Containers)
                    o.WriteLine($"    {c.ContainerId[..12],-36} {"",-11} {Cpu(c.CpuNanoCores),12} {Mem(c.MemoryWorkingSetBytes),11}");
            }
        }
        if (r.Rates.Window > TimeSpan.Zero && cur.Counters.Pods.Count > 0 && r.Rates.Cpu.NanoCores == 0)
            o.WriteLine("  (CPU is 0 when nothing ran between the samples, e.g. on a static fixture tree)");

        var problems = r.Problems;
        if (problems.Count > 0)
        {
            o.WriteLine(r.IsPartial ? $"PARTIAL SAMPLE — {problems.Count} problem(s):" : $"notes ({problems.Count}):");
            foreach (var p in problems) o.WriteLine($"  - {p.Message}");
        }
    }

    private static string N(double v) => v.ToString("0.#", Inv);
    private static string C(double? v) => v is { } c ? c.ToString("0.0", Inv) + " °C" : "n/a";
    private static string MHz(long? khz) => khz is { } k ? (k / 1000).ToString(Inv) + " MHz" : "n/a";

    /// <summary>Millicores like kubectl top ("830m"), keeping small values visible.</summary>
    private static string Cpu(long? nanoCores) => nanoCores is not { } n ? "n/a"
        : n >= 1_000_000 || n == 0 ? (n / 1_000_000).ToString(Inv) + "m" : n.ToString(Inv) + "n";

    private static string Mem(long? bytes) => bytes is not { } b ? "n/a" : (b / (1024.0 * 1024)).ToString("0.0", Inv) + "Mi";

    private static string Flags(ThrottleFlags f)
    {
        var now = new List<string>();
        if (f.UnderVoltageNow) now.Add("under-voltage");
        if (f.FrequencyCappedNow) now.Add("frequency capped");
        if (f.ThrottledNow) now.Add("throttled");
        if (f.SoftTempLimitNow) now.Add("soft temperature limit");
        var past = new List<string>();
        if (f.UnderVoltageOccurred) past.Add("under-voltage");
        if (f.FrequencyCappedOccurred) past.Add("frequency capping");
        if (f.ThrottledOccurred) past.Add("throttling");
        if (f.SoftTempLimitOccurred) past.Add("soft temperature limit");
        return (now.Count == 0 ? "nothing now" : "NOW " + string.Join(", ", now)) + (past.Count == 0 ? "" : "; has occurred: " + string.Join(", ", past));
    }
}
