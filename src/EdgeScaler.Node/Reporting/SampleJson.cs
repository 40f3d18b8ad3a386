namespace EdgeScaler.Node.Reporting;

using System.Text;
using System.Text.Json;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Core.Units;

/// <summary>
/// The stable `edgescaler sample --json` shape, documented field by field in docs/sample-json.md.
/// Written by hand with <see cref="Utf8JsonWriter"/>: no reflection (AOT), and the shape cannot drift with a rename.
/// Absent values are JSON null, never 0.
/// </summary>
public static class SampleJson
{
    public const int SchemaVersion = 1;

    public static string Write(SampleReport r, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteNumber("schema", SchemaVersion);
            w.WriteString("hostRoot", r.HostRoot);
            w.WriteString("timestamp", r.Current.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("window", GoDuration.Format(r.Rates.Window));
            w.WriteBoolean("partial", r.IsPartial);

            w.WriteStartObject("board");
            w.WriteString("id", r.Board.Profile.Id);
            w.WriteString("name", r.Board.Profile.Name);
            w.WriteString("detectedBy", r.Board.Reason);
            NullableString(w, "model", r.Board.Model);
            w.WriteStartArray("compatible");
            foreach (var c in r.Board.Compatible) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartObject("cgroup");
            w.WriteNumber("version", r.Current.Cgroups.Version);
            NullableString(w, "driver", r.Current.Cgroups.Driver);
            w.WriteBoolean("memoryController", r.Current.Cgroups.MemoryControllerEnabled);
            w.WriteEndObject();

            WriteThermal(w, r);

            w.WriteStartObject("node");
            WriteCpu(w, r.Current.Counters.CpuUsageNanoseconds, r.Rates.Cpu.NanoCores, r.Rates.Cpu.Rejection);
            NullableNumber(w, "memoryWorkingSetBytes", r.Current.Counters.MemoryWorkingSetBytes);
            NullableString(w, "cpuSource", r.Current.NodeCpuSource);
            NullableString(w, "memorySource", r.Current.NodeMemorySource);
            w.WriteEndObject();

            w.WriteStartArray("pods");
            for (var i = 0; i < r.Current.Counters.Pods.Count; i++)
            {
                var pod = r.Current.Counters.Pods[i];
                var rates = r.Rates.Pods[i];
                w.WriteStartObject();
                w.WriteString("uid", pod.Uid);
                w.WriteString("qos", QosName(pod.Qos));
                WriteCpu(w, pod.CpuUsageNanoseconds, rates.CpuNanoCores, rates.CpuRejection);
                NullableNumber(w, "memoryWorkingSetBytes", pod.MemoryWorkingSetBytes);
                WritePressure(w, pod.Pressure);
                w.WriteStartArray("containers");
                for (var j = 0; j < pod.Containers.Count; j++)
                {
                    var c = pod.Containers[j];
                    var cr = rates.Containers[j];
                    w.WriteStartObject();
                    w.WriteString("id", c.ContainerId);
                    WriteCpu(w, c.CpuUsageNanoseconds, cr.CpuNanoCores, cr.CpuRejection);
                    NullableNumber(w, "memoryWorkingSetBytes", c.MemoryWorkingSetBytes);
                    WritePressure(w, c.Pressure);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("problems");
            foreach (var p in r.Problems)
            {
                w.WriteStartObject();
                w.WriteString("kind", KindName(p.Kind));
                w.WriteString("path", p.Path);
                w.WriteString("message", p.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteThermal(Utf8JsonWriter w, SampleReport r)
    {
        var t = r.Current.Thermal;
        w.WriteStartObject("thermal");
        w.WriteString("state", r.ThermalState.ToWire());
        NullableNumber(w, "hottestCelsius", t.HottestCelsius);
        NullableNumber(w, "smoothedCelsius", r.SmoothedCelsius is { } s ? Math.Round(s, 3) : null);
        w.WriteStartObject("limits");
        w.WriteNumber("warmCelsius", r.Limits.WarmCelsius);
        w.WriteNumber("hotCelsius", r.Limits.HotCelsius);
        w.WriteNumber("criticalCelsius", r.Limits.CriticalCelsius);
        w.WriteNumber("hysteresisCelsius", r.Limits.HysteresisCelsius);
        w.WriteEndObject();
        w.WriteStartArray("zones");
        foreach (var z in t.Zones)
        {
            w.WriteStartObject();
            w.WriteString("type", z.Type);
            NullableNumber(w, "celsius", z.Celsius);
            w.WriteBoolean("counts", z.Counts);
            w.WriteBoolean("skipped", z.Skipped);
            w.WriteString("path", z.Path);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (t.Flags is { } f)
        {
            w.WriteStartObject("throttle");
            w.WriteString("source", t.FlagsSource);
            w.WriteString("bits", "0x" + f.ToBits().ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBoolean("underVoltageNow", f.UnderVoltageNow);
            w.WriteBoolean("frequencyCappedNow", f.FrequencyCappedNow);
            w.WriteBoolean("throttledNow", f.ThrottledNow);
            w.WriteBoolean("softTempLimitNow", f.SoftTempLimitNow);
            w.WriteBoolean("underVoltageOccurred", f.UnderVoltageOccurred);
            w.WriteBoolean("frequencyCappedOccurred", f.FrequencyCappedOccurred);
            w.WriteBoolean("throttledOccurred", f.ThrottledOccurred);
            w.WriteBoolean("softTempLimitOccurred", f.SoftTempLimitOccurred);
            w.WriteEndObject();
        }
        else w.WriteNull("throttle");
        w.WriteStartArray("cpufreq");
        foreach (var p in t.CpuFreq)
        {
            w.WriteStartObject();
            w.WriteString("policy", p.Name);
            NullableNumber(w, "currentKHz", p.CurrentKHz);
            NullableNumber(w, "maxKHz", p.MaxKHz);
            NullableNumber(w, "scalingMaxKHz", p.ScalingMaxKHz);
            w.WriteBoolean("kernelCapped", p.KernelCapped);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCpu(Utf8JsonWriter w, long? usageNs, long? nanoCores, RateRejection rejection)
    {
        w.WriteStartObject("cpu");
        NullableNumber(w, "usageNanoseconds", usageNs);
        NullableNumber(w, "nanoCores", nanoCores);
        NullableString(w, "rateMissing", nanoCores is null ? RejectionName(rejection) : null);
        w.WriteEndObject();
    }

    private static void WritePressure(Utf8JsonWriter w, PressureTotals? p)
    {
        if (p is null) { w.WriteNull("pressure"); return; }
        w.WriteStartObject("pressure");
        NullableNumber(w, "cpuSomeMicroseconds", p.CpuSomeMicroseconds);
        NullableNumber(w, "cpuFullMicroseconds", p.CpuFullMicroseconds);
        NullableNumber(w, "memorySomeMicroseconds", p.MemorySomeMicroseconds);
        NullableNumber(w, "memoryFullMicroseconds", p.MemoryFullMicroseconds);
        NullableNumber(w, "ioSomeMicroseconds", p.IoSomeMicroseconds);
        NullableNumber(w, "ioFullMicroseconds", p.IoFullMicroseconds);
        w.WriteEndObject();
    }

    private static void NullableNumber(Utf8JsonWriter w, string name, long? v) { if (v is { } x) w.WriteNumber(name, x); else w.WriteNull(name); }
    private static void NullableNumber(Utf8JsonWriter w, string name, double? v) { if (v is { } x) w.WriteNumber(name, x); else w.WriteNull(name); }
    private static void NullableString(Utf8JsonWriter w, string name, string? v) { if (v is not null) w.WriteString(name, v); else w.WriteNull(name); }

    public static string QosName(QosClass q) => q switch { QosClass.Guaranteed => "Guaranteed", QosClass.Burstable => "Burstable", _ => "BestEffort" };

    public static string KindName(ProblemKind k) => k switch
    {
        ProblemKind.Missing => "missing",
        ProblemKind.Unreadable => "unreadable",
        ProblemKind.Malformed => "malformed",
        ProblemKind.TimedOut => "timedOut",
        ProblemKind.Vanished => "vanished",
        _ => "configuration",
    };

    public static string RejectionName(RateRejection r) => r switch
    {
        RateRejection.NoPreviousSample => "noPreviousSample",
        RateRejection.WindowTooShort => "windowTooShort",
        RateRejection.TimeWentBackwards => "timeWentBackwards",
        RateRejection.CounterDecreased => "counterDecreased",
        _ => "none",
    };
}
