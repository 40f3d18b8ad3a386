namespace EdgeScaler.Node.Thermal;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;
using EdgeScaler.Node.Parsing;

/// <summary>
/// Thermal zones (by type, never by number), hwmon sensors that are not mirrors of a zone, Raspberry Pi
/// firmware throttle flags and cpufreq policies. Sensor values are read through a <see cref="TimedReader"/>:
/// a zone that errors or hangs is reported absent, never fatal.
/// </summary>
public sealed class ThermalReader(IHostFileSystem files, TimedReader timed, byte[] buffer)
{
    private const string ThermalClass = "/sys/class/thermal";
    private const string HwmonClass = "/sys/class/hwmon";
    private readonly byte[] _sensorBuffer = new byte[64];
    private readonly List<string> _names = new(32);
    private readonly List<string> _inner = new(32);

    public ThermalReading Read(BoardProfile board, List<SampleProblem> problems)
    {
        var zones = new List<ZoneReading>();
        ReadZones(board, zones, problems);
        var (rpiVoltAlarm, rpiVoltPath) = ReadHwmon(board, zones, problems);
        if (zones.Count == 0)
            problems.Add(new(ProblemKind.Missing, ThermalClass, $"no thermal zones or hwmon temperature sensors under {ThermalClass}; no SoC temperature"));

        double? hottest = null;
        foreach (var z in zones)
            if (z.Counts && z.Celsius is { } c && (hottest is null || c > hottest)) hottest = c;
        if (hottest is null && zones.Exists(z => z.Celsius is not null))
            problems.Add(new(ProblemKind.Missing, ThermalClass, $"none of the zones board {board.Id} counts ({string.Join(", ", board.Thermal.Zones)}) could be read; no SoC temperature"));

        var (flags, source) = ReadFlags(board, rpiVoltAlarm, rpiVoltPath, problems);
        return new ThermalReading(zones, hottest, flags, source, ReadCpuFreq(problems));
    }

    private void ReadZones(BoardProfile board, List<ZoneReading> zones, List<SampleProblem> problems)
    {
        _names.Clear();
        var status = files.List(ThermalClass, _names);
        if (status != FileReadStatus.Ok && status != FileReadStatus.NotFound)
            problems.Add(new(ProblemKind.Unreadable, ThermalClass, $"cannot list {ThermalClass}: {new FileRead(status, 0).Describe()}"));
        // Numeric order, so output is stable; zones are still identified by type, not number.
        _names.RemoveAll(n => !n.StartsWith("thermal_zone", StringComparison.Ordinal) || !int.TryParse(n.AsSpan(12), out _));
        _names.Sort((a, b) => int.Parse(a.AsSpan(12)).CompareTo(int.Parse(b.AsSpan(12))));
        foreach (var name in _names)
        {
            var dir = ThermalClass + "/" + name;
            var r = files.Read(dir + "/type", buffer);
            var type = r.Ok ? ThermalText.ParseName(buffer.AsSpan(0, r.Length)) : null;
            if (type is null)
            {
                problems.Add(new(ProblemKind.Malformed, dir + "/type", $"{dir}/type: {(r.Ok ? "empty or not text" : r.Describe())}; zone ignored"));
                continue;
            }
            var counts = Counts(board, type);
            if (Matches(board.Thermal.SkipZones, type))
            {
                zones.Add(new ZoneReading(type, dir + "/temp", null, counts, Skipped: true));
                continue;
            }
            zones.Add(new ZoneReading(type, dir + "/temp", ReadSensor(dir + "/temp", $"zone {type}", problems), counts));
        }
    }

    /// <summary>hwmon: temperature sensors that do not mirror a thermal zone, and the rpi_volt under-voltage alarm.</summary>
    private (bool? RpiVoltAlarm, string? Path) ReadHwmon(BoardProfile board, List<ZoneReading> zones, List<SampleProblem> problems)
    {
        _names.Clear();
        if (files.List(HwmonClass, _names) != FileReadStatus.Ok) return (null, null);
        _names.Sort(StringComparer.Ordinal);
        bool? alarm = null; string? alarmPath = null;
        var zoneCount = zones.Count;
        foreach (var device in _names)
        {
            var dir = HwmonClass + "/" + device;
            var r = files.Read(dir + "/name", buffer);
            if (!r.Ok || ThermalText.ParseName(buffer.AsSpan(0, r.Length)) is not { } name) continue;
            if (name == "rpi_volt")
            {
                alarmPath = dir + "/in0_lcrit_alarm";
                var a = files.Read(alarmPath, buffer);
                if (a.Ok && ThermalText.ParseFlag(buffer.AsSpan(0, a.Length), out var on) == ParseStatus.Ok) alarm = on;
                else if (a.Status != FileReadStatus.NotFound)
                    problems.Add(new(a.Ok ? ProblemKind.Malformed : ProblemKind.Unreadable, alarmPath, $"{alarmPath}: {(a.Ok ? "not 0 or 1" : a.Describe())}"));
                continue;
            }
            // The thermal core mirrors every zone as hwmon named after its type with '-' → '_'.
            var mirror = false;
            for (var i = 0; i < zoneCount && !mirror; i++) mirror = zones[i].Type.Replace('-', '_') == name;
            if (mirror) continue;
            _inner.Clear();
            if (files.List(dir, _inner) != FileReadStatus.Ok) continue;
            _inner.Sort(StringComparer.Ordinal);
            foreach (var entry in _inner)
            {
                if (!entry.StartsWith("temp", StringComparison.Ordinal) || !entry.EndsWith("_input", StringComparison.Ordinal)) continue;
                var channel = entry[..^"_input".Length];
                var l = files.Read(dir + "/" + channel + "_label", buffer);
                var label = l.Ok ? ThermalText.ParseName(buffer.AsSpan(0, l.Length)) : null;
                var type = label is null ? $"hwmon:{name}:{channel}" : $"hwmon:{name}:{label}";
                zones.Add(new ZoneReading(type, dir + "/" + entry, ReadSensor(dir + "/" + entry, type, problems), Counts(board, type)));
            }
        }
        return (alarm, alarmPath);
    }

    private double? ReadSensor(string path, string what, List<SampleProblem> problems)
    {
        var r = timed.Read(path, _sensorBuffer);
        if (!r.Ok)
        {
            var kind = r.Status switch { FileReadStatus.TimedOut => ProblemKind.TimedOut, FileReadStatus.NotFound => ProblemKind.Missing, FileReadStatus.TooLarge => ProblemKind.Malformed, _ => ProblemKind.Unreadable };
            problems.Add(new(kind, path, $"{what} ({path}): {r.Describe()}; reported absent"));
            return null;
        }
        var s = ThermalText.ParseMillidegrees(_sensorBuffer.AsSpan(0, r.Length), out var c);
        if (s != ParseStatus.Ok)
        {
            problems.Add(new(ProblemKind.Malformed, path, $"{what} ({path}): {s.Describe()}; reported absent"));
            return null;
        }
        return c;
    }

    private (ThrottleFlags? Flags, string? Source) ReadFlags(BoardProfile board, bool? rpiVoltAlarm, string? rpiVoltPath, List<SampleProblem> problems)
    {
        if (board.Throttle.Source != "rpi-firmware") return (null, null);
        foreach (var path in board.Throttle.GetThrottledPaths)
        {
            var r = files.Read(path, buffer);
            if (r.Status == FileReadStatus.NotFound) continue;
            if (!r.Ok)
            {
                problems.Add(new(ProblemKind.Unreadable, path, $"{path}: {r.Describe()}; no throttle flags from it"));
                continue;
            }
            var s = ThermalText.ParseThrottledBits(buffer.AsSpan(0, r.Length), out var bits);
            if (s == ParseStatus.Ok) return (ThrottleFlags.FromBits(bits), "get_throttled");
            problems.Add(new(ProblemKind.Malformed, path, $"{path}: {s.Describe()} (expected hex like 50005)"));
        }
        // hwmon rpi_volt carries only the sticky under-voltage bit (16).
        if (rpiVoltAlarm is { } alarm) return (ThrottleFlags.FromBits(alarm ? 0x10000u : 0), "rpi_volt");
        if (rpiVoltPath is null)
            problems.Add(new(ProblemKind.Missing, board.Throttle.GetThrottledPaths.FirstOrDefault() ?? HwmonClass,
                $"no Raspberry Pi throttle flags: neither get_throttled ({string.Join(", ", board.Throttle.GetThrottledPaths)}) nor hwmon rpi_volt found"));
        return (null, null);
    }

    private List<CpuFreqPolicy> ReadCpuFreq(List<SampleProblem> problems)
    {
        var policies = new List<CpuFreqPolicy>();
        const string root = "/sys/devices/system/cpu/cpufreq";
        _names.Clear();
        if (files.List(root, _names) == FileReadStatus.Ok)
        {
            _names.RemoveAll(n => !n.StartsWith("policy", StringComparison.Ordinal) || !int.TryParse(n.AsSpan(6), out _));
            _names.Sort((a, b) => int.Parse(a.AsSpan(6)).CompareTo(int.Parse(b.AsSpan(6))));
            foreach (var p in _names) policies.Add(ReadPolicy(p, root + "/" + p, problems));
        }
        if (policies.Count == 0 && files.Exists("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"))
            policies.Add(ReadPolicy("cpu0", "/sys/devices/system/cpu/cpu0/cpufreq", problems));
        return policies;
    }

    private CpuFreqPolicy ReadPolicy(string name, string dir, List<SampleProblem> problems) =>
        new(name, ReadKHz(dir + "/scaling_cur_freq", problems), ReadKHz(dir + "/cpuinfo_max_freq", problems), ReadKHz(dir + "/scaling_max_freq", problems));

    private long? ReadKHz(string path, List<SampleProblem> problems)
    {
        var r = files.Read(path, buffer);
        if (r.Status == FileReadStatus.NotFound) return null;
        if (!r.Ok) { problems.Add(new(ProblemKind.Unreadable, path, $"{path}: {r.Describe()}")); return null; }
        var s = ThermalText.ParseKiloHertz(buffer.AsSpan(0, r.Length), out var khz);
        if (s == ParseStatus.Ok) return khz;
        problems.Add(new(ProblemKind.Malformed, path, $"{path}: {s.Describe()}"));
        return null;
    }

    private static bool Counts(BoardProfile board, string type) => board.Thermal.Zones.Count == 0 ? !type.StartsWith("hwmon:", StringComparison.Ordinal) : Matches(board.Thermal.Zones, type);

    /// <summary>Exact type match, or prefix match for a pattern ending in '*'.</summary>
    public static bool Matches(List<string> patterns, string type)
    {
        foreach (var p in patterns)
            if (p.EndsWith('*') ? type.AsSpan().StartsWith(p.AsSpan(0, p.Length - 1), StringComparison.Ordinal) : p == type) return true;
        return false;
    }
}
