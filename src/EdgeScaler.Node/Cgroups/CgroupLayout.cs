namespace EdgeScaler.Node.Cgroups;

using EdgeScaler.Node.IO;
using EdgeScaler.Node.Parsing;

/// <summary>
/// Where the CPU and memory hierarchies are on this host and how kubepods is laid out in them.
/// v2: one unified tree at /sys/fs/cgroup (it has cgroup.controllers). v1: one mount per controller;
/// CPU time from cpuacct (mounted as "cpu,cpuacct", "cpuacct,cpu" or alone), memory from "memory".
/// </summary>
public sealed record CgroupLayout(int Version, string? CpuRoot, string? MemoryRoot, bool MemoryEnabled, bool? Systemd)
{
    public const string Mount = "/sys/fs/cgroup";

    /// <summary>"systemd"/"cgroupfs" or null when there is no kubepods cgroup.</summary>
    public string? Driver => Systemd switch { true => "systemd", false => "cgroupfs", null => null };

    public static CgroupLayout Detect(IHostFileSystem files, byte[] buffer)
    {
        var controllers = files.Read(Mount + "/cgroup.controllers", buffer);
        if (controllers.Ok)
        {
            var memory = CgroupText.ListsController(buffer.AsSpan(0, controllers.Length), "memory"u8);
            return new CgroupLayout(2, Mount, Mount, memory, DetectDriver(files, Mount));
        }

        string? cpu = null;
        foreach (var name in (ReadOnlySpan<string>)["/cpu,cpuacct", "/cpuacct,cpu", "/cpuacct"])
            if (files.Exists(Mount + name + "/cpuacct.usage")) { cpu = Mount + name; break; }
        var memRoot = files.Exists(Mount + "/memory/memory.usage_in_bytes") ? Mount + "/memory" : null;
        var enabled = memRoot is not null;
        // /proc/cgroups is the authority on "disabled at boot" (cgroup_disable=memory, the Pi default).
        var procCgroups = files.Read("/proc/cgroups", buffer);
        if (procCgroups.Ok && ProcText.IsControllerEnabled(buffer.AsSpan(0, procCgroups.Length), "memory"u8) == false) enabled = false;
        if (cpu is null && memRoot is null) return new CgroupLayout(0, null, null, false, null);
        return new CgroupLayout(1, cpu, enabled ? memRoot : null, enabled, DetectDriver(files, cpu ?? memRoot!));
    }

    private static bool? DetectDriver(IHostFileSystem files, string root) =>
        files.Exists(root + "/kubepods.slice") ? true : files.Exists(root + "/kubepods") ? false : null;
}
