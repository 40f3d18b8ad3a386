namespace EdgeScaler.Node.Cgroups;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Node.IO;
using EdgeScaler.Node.Parsing;

/// <summary>
/// Reads kubepods: every pod (by UID, with its QoS class) and container leaf (by ID) — cumulative CPU ns,
/// memory working set (usage − inactive_file, clamped at 0, as cAdvisor computes it) and PSI totals.
/// Not thread-safe: one reader per sampling loop (it reuses its buffer).
/// </summary>
public sealed class CgroupReader(IHostFileSystem files, byte[] buffer)
{
    private readonly List<string> _names = new(64);
    private readonly List<string> _leafNames = new(16);

    public List<PodCounters> ReadPods(CgroupLayout layout, List<SampleProblem> problems)
    {
        var pods = new List<PodCounters>();
        if (layout.Systemd is not { } systemd) return pods;
        var root = layout.CpuRoot ?? layout.MemoryRoot!;
        foreach (var (parent, qos) in KubeCgroupNames.QosParents(systemd))
        {
            _names.Clear();
            var status = files.List(root + parent, _names);
            if (status == FileReadStatus.NotFound) continue; // no pods of this class yet
            if (status != FileReadStatus.Ok)
            {
                problems.Add(new(ProblemKind.Unreadable, root + parent, $"cannot list {root + parent}: {new FileRead(status, 0).Describe()}; its pods are left out"));
                continue;
            }
            _names.Sort(StringComparer.Ordinal);
            foreach (var name in _names)
            {
                if (KubeCgroupNames.PodUid(name, qos, systemd) is not { } uid) continue;
                if (ReadPod(layout, parent + "/" + name, uid, qos, problems) is { } pod) pods.Add(pod);
            }
        }
        return pods;
    }

    private PodCounters? ReadPod(CgroupLayout layout, string relative, string uid, QosClass qos, List<SampleProblem> problems)
    {
        var (cpu, memory, pressure, gone) = ReadLeaf(layout, relative, problems);
        if (gone) return Vanished(layout, relative, problems, $"pod {uid}");

        _leafNames.Clear();
        var root = layout.CpuRoot ?? layout.MemoryRoot!;
        var status = files.List(root + relative, _leafNames);
        if (status == FileReadStatus.NotFound) return Vanished(layout, relative, problems, $"pod {uid}");
        var containers = new List<ContainerCounters>(_leafNames.Count);
        if (status != FileReadStatus.Ok)
            problems.Add(new(ProblemKind.Unreadable, root + relative, $"cannot list {root + relative}: {new FileRead(status, 0).Describe()}; containers of pod {uid} are left out"));
        // Copy: ReadLeaf below does not list, but keep the list stable against future changes.
        var leafNames = _leafNames.ToArray();
        Array.Sort(leafNames, StringComparer.Ordinal);
        foreach (var leaf in leafNames)
        {
            if (KubeCgroupNames.ContainerId(leaf) is not { } id) continue;
            var (ccpu, cmem, cpsi, cgone) = ReadLeaf(layout, relative + "/" + leaf, problems);
            if (cgone)
            {
                // The whole pod may be going away: then it is left out as one, not as a pod with fewer containers.
                if (!files.Exists(root + relative)) return Vanished(layout, relative, problems, $"pod {uid}");
                Vanished(layout, relative + "/" + leaf, problems, $"container {id[..12]} of pod {uid}");
                continue;
            }
            containers.Add(new ContainerCounters(id, ccpu, cmem) { Pressure = cpsi });
        }
        return new PodCounters(uid, qos, cpu, memory, containers) { Pressure = pressure };
    }

    private PodCounters? Vanished(CgroupLayout layout, string relative, List<SampleProblem> problems, string what)
    {
        var path = (layout.CpuRoot ?? layout.MemoryRoot) + relative;
        problems.Add(new(ProblemKind.Vanished, path, $"{what} vanished while being read ({path}); left out of this sample"));
        return null;
    }

    /// <summary>Reads one pod or container cgroup. <c>Gone</c> when its directory no longer exists.</summary>
    private (long? CpuNs, long? WorkingSet, PressureTotals? Pressure, bool Gone) ReadLeaf(CgroupLayout layout, string relative, List<SampleProblem> problems)
    {
        long? cpu = null, ws = null;
        PressureTotals? psi = null;
        if (layout.CpuRoot is { } cpuRoot)
        {
            var dir = cpuRoot + relative;
            var file = layout.Version == 2 ? "cpu.stat" : "cpuacct.usage";
            cpu = layout.Version == 2 ? ReadCpuStatNs(dir, file, problems, out var notFound) : ReadValue(dir, file, problems, out notFound);
            if (notFound)
            {
                if (!files.Exists(dir)) return (null, null, null, true);
                problems.Add(new(ProblemKind.Missing, $"{dir}/{file}", $"{dir}/{file}: not found"));
            }
        }
        if (layout.MemoryEnabled && layout.MemoryRoot is { } memRoot)
        {
            var dir = memRoot + relative;
            var file = layout.Version == 2 ? "memory.current" : "memory.usage_in_bytes";
            var usage = ReadValue(dir, file, problems, out var notFound);
            if (notFound)
            {
                if (!files.Exists(dir)) return (null, null, null, true);
                problems.Add(new(ProblemKind.Missing, $"{dir}/{file}", $"{dir}/{file}: not found (memory controller not enabled for this cgroup?)"));
            }
            if (usage is { } u)
            {
                ws = WorkingSet(u, dir, layout.Version == 2 ? "inactive_file"u8 : "total_inactive_file"u8, problems, out notFound);
                if (notFound)
                {
                    if (!files.Exists(dir)) return (null, null, null, true);
                    problems.Add(new(ProblemKind.Missing, dir + "/memory.stat", $"{dir}/memory.stat: not found; no working set"));
                }
            }
        }
        if (layout.Version == 2) psi = ReadPressure(layout.CpuRoot + relative, problems);
        return (cpu, ws, psi, false);
    }

    /// <summary>
    /// usage − inactive_file, clamped at 0 (cAdvisor). Without a readable memory.stat there is no working set.
    /// A missing memory.stat is left to the caller (<paramref name="notFound"/>): it may mean the cgroup vanished.
    /// </summary>
    public long? WorkingSet(long usage, string dir, ReadOnlySpan<byte> inactiveKey, List<SampleProblem> problems, out bool notFound)
    {
        var r = files.Read(dir, "memory.stat", buffer);
        if (!Report(r, dir, "memory.stat", problems, out notFound)) return null;
        var s = CgroupText.ParseFlatKeyed(buffer.AsSpan(0, r.Length), inactiveKey, out var inactive);
        if (s != ParseStatus.Ok)
        {
            var memoryStatPath = dir + "/memory.stat";
            problems.Add(new(ProblemKind.Malformed, memoryStatPath, $"{memoryStatPath}: {System.Text.Encoding.ASCII.GetString(inactiveKey)}: {s.Describe()}; no working set"));
            return null;
        }
        return usage > inactive ? usage - inactive : 0;
    }

    /// <summary>v2 cpu.stat usage_usec, in nanoseconds.</summary>
    public long? ReadCpuStatNs(string dir, string file, List<SampleProblem> problems, out bool notFound)
    {
        var r = files.Read(dir, file, buffer);
        if (!Report(r, dir, file, problems, out notFound)) return null;
        var s = CgroupText.ParseFlatKeyed(buffer.AsSpan(0, r.Length), "usage_usec"u8, out var usec);
        if (s == ParseStatus.Ok && usec > long.MaxValue / 1000) s = ParseStatus.OutOfRange;
        if (s != ParseStatus.Ok)
        {
            var path = dir + "/" + file;
            problems.Add(new(ProblemKind.Malformed, path, $"{path}: usage_usec: {s.Describe()}"));
            return null;
        }
        return usec * 1000;
    }

    /// <summary>A single-value file (cpuacct.usage, memory.current, memory.usage_in_bytes).</summary>
    public long? ReadValue(string dir, string file, List<SampleProblem> problems, out bool notFound)
    {
        var r = files.Read(dir, file, buffer);
        if (!Report(r, dir, file, problems, out notFound)) return null;
        var s = CgroupText.ParseSingle(buffer.AsSpan(0, r.Length), out var v);
        if (s != ParseStatus.Ok)
        {
            var path = dir + "/" + file;
            problems.Add(new(ProblemKind.Malformed, path, $"{path}: {s.Describe()}"));
            return null;
        }
        return v;
    }

    private PressureTotals? ReadPressure(string dir, List<SampleProblem> problems)
    {
        long? cs = null, cf = null, ms = null, mf = null, ios = null, iof = null;
        var any = ReadPressureFile(dir, "cpu.pressure", problems, ref cs, ref cf)
            | ReadPressureFile(dir, "memory.pressure", problems, ref ms, ref mf)
            | ReadPressureFile(dir, "io.pressure", problems, ref ios, ref iof);
        return any ? new PressureTotals(cs, cf, ms, mf, ios, iof) : null;
    }

    /// <summary>PSI may be compiled out or off (psi=0): a missing or unsupported file quietly means "no PSI".</summary>
    private bool ReadPressureFile(string dir, string file, List<SampleProblem> problems, ref long? some, ref long? full)
    {
        var r = files.Read(dir, file, buffer);
        if (!r.Ok) return false;
        var s = CgroupText.ParsePressure(buffer.AsSpan(0, r.Length), out some, out full);
        if (s == ParseStatus.Ok) return true;
        var path = dir + "/" + file;
        problems.Add(new(ProblemKind.Malformed, path, $"{path}: {s.Describe()}"));
        return false;
    }

    /// <summary>Adds a problem for a failed read, except NotFound, which the caller judges. True when the read is usable.</summary>
    private static bool Report(FileRead r, string dir, string file, List<SampleProblem> problems, out bool notFound)
    {
        notFound = r.Status == FileReadStatus.NotFound;
        if (r.Ok) return true;
        if (notFound) return false;
        var path = dir + "/" + file;
        var kind = r.Status == FileReadStatus.TooLarge ? ProblemKind.Malformed : ProblemKind.Unreadable;
        problems.Add(new(kind, path, $"{path}: {r.Describe()}"));
        return false;
    }
}
