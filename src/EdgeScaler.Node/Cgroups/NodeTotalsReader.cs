namespace EdgeScaler.Node.Cgroups;

using EdgeScaler.Node.IO;
using EdgeScaler.Node.Parsing;

/// <summary>
/// Node CPU and working set the way the kubelet (cAdvisor's "/" container) takes them: from the root cgroup
/// — v2 root cpu.stat usage_usec and memory.stat anon + file − inactive_file (runc emulates the root's
/// missing memory.current as anon + file); v1 root cpuacct.usage and memory.usage_in_bytes −
/// total_inactive_file. Where the root cgroup lacks them (older kernels, memory controller off), falls back
/// to /proc/stat busy time and /proc/meminfo MemTotal − MemAvailable, and says which source it used.
/// </summary>
public sealed class NodeTotalsReader(IHostFileSystem files, byte[] buffer, CgroupReader cgroups)
{
    public (long? Nanoseconds, string? Source) ReadCpu(CgroupLayout layout, List<SampleProblem> problems)
    {
        if (layout.CpuRoot is { } root)
        {
            var local = new List<SampleProblem>();
            long? ns = layout.Version == 2
                ? cgroups.ReadCpuStatNs(root, "cpu.stat", local, out _)
                : cgroups.ReadValue(root, "cpuacct.usage", local, out _);
            if (ns is not null) return (ns, "cgroup");
            problems.AddRange(local);
        }
        var r = files.Read("/proc/stat", buffer);
        // /proc/stat can outgrow the buffer on big machines; only its first line matters.
        if (r.Ok || r.Status == FileReadStatus.TooLarge)
        {
            var s = ProcText.ParseBusyCpuNanoseconds(buffer.AsSpan(0, r.Length), out var busy);
            if (s == ParseStatus.Ok) return (busy, "/proc/stat");
            problems.Add(new(ProblemKind.Malformed, "/proc/stat", $"/proc/stat: cpu line: {s.Describe()}; no node CPU"));
        }
        else problems.Add(new(r.Status == FileReadStatus.NotFound ? ProblemKind.Missing : ProblemKind.Unreadable, "/proc/stat",
            $"/proc/stat: {r.Describe()} and the root cgroup has no CPU total; no node CPU"));
        return (null, null);
    }

    public (long? Bytes, string? Source) ReadMemory(CgroupLayout layout, List<SampleProblem> problems)
    {
        if (layout.MemoryEnabled && layout.MemoryRoot is { } root)
        {
            var local = new List<SampleProblem>();
            long? ws = layout.Version == 2 ? RootWorkingSetV2(root + "/memory.stat", local)
                : cgroups.ReadValue(root, "memory.usage_in_bytes", local, out _) is { } usage
                    ? cgroups.WorkingSet(usage, root, "total_inactive_file"u8, local, out _) : null;
            if (ws is not null) return (ws, "cgroup");
            // The v2 root has memory.stat only on newer kernels: its absence is normal, not a problem.
            if (layout.Version == 1 || local.Exists(p => p.Kind != ProblemKind.Missing)) problems.AddRange(local);
        }
        var r = files.Read("/proc/meminfo", buffer);
        if (!r.Ok)
        {
            problems.Add(new(r.Status == FileReadStatus.NotFound ? ProblemKind.Missing : ProblemKind.Unreadable, "/proc/meminfo", $"/proc/meminfo: {r.Describe()}; no node memory"));
            return (null, null);
        }
        var text = buffer.AsSpan(0, r.Length);
        var s1 = ProcText.ParseMeminfoBytes(text, "MemTotal"u8, out var total);
        var s2 = ProcText.ParseMeminfoBytes(text, "MemAvailable"u8, out var available);
        if (s1 != ParseStatus.Ok || s2 != ParseStatus.Ok)
        {
            problems.Add(new(ProblemKind.Malformed, "/proc/meminfo", $"/proc/meminfo: {(s1 != ParseStatus.Ok ? "MemTotal: " + s1.Describe() : "MemAvailable: " + s2.Describe())}; no node memory"));
            return (null, null);
        }
        return (total > available ? total - available : 0, "/proc/meminfo");
    }

    private long? RootWorkingSetV2(string memoryStat, List<SampleProblem> problems)
    {
        var r = files.Read(memoryStat, buffer);
        if (!r.Ok)
        {
            problems.Add(new(r.Status == FileReadStatus.NotFound ? ProblemKind.Missing : ProblemKind.Unreadable, memoryStat, $"{memoryStat}: {r.Describe()}"));
            return null;
        }
        var text = buffer.AsSpan(0, r.Length);
        var a = CgroupText.ParseFlatKeyed(text, "anon"u8, out var anon);
        var f = CgroupText.ParseFlatKeyed(text, "file"u8, out var file);
        var i = CgroupText.ParseFlatKeyed(text, "inactive_file"u8, out var inactive);
        if (a != ParseStatus.Ok || f != ParseStatus.Ok || i != ParseStatus.Ok || anon > long.MaxValue - file)
        {
            problems.Add(new(ProblemKind.Malformed, memoryStat, $"{memoryStat}: anon/file/inactive_file: {(a != ParseStatus.Ok ? a : f != ParseStatus.Ok ? f : i != ParseStatus.Ok ? i : ParseStatus.OutOfRange).Describe()}"));
            return null;
        }
        var usage = anon + file;
        return usage > inactive ? usage - inactive : 0;
    }
}
