namespace EdgeScaler.Node;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.Cgroups;
using EdgeScaler.Node.IO;
using EdgeScaler.Node.Thermal;

/// <summary>
/// Takes one sample of this node: cgroup counters for the node and every pod/container, and thermal state.
/// Never throws for what it finds on the host; everything it could not read is in <see cref="NodeSample.Problems"/>.
/// Not thread-safe (it reuses one read buffer): use one sampler per sampling loop.
/// </summary>
public sealed class NodeSampler : IDisposable
{
    /// <summary>The Raspberry Pi fix for a disabled memory controller, named in the warning.</summary>
    public const string MemoryCgroupFix = "cgroup_memory=1 cgroup_enable=memory";

    private readonly IHostFileSystem _files;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly CgroupReader _cgroups;
    private readonly NodeTotalsReader _totals;
    private readonly ThermalReader _thermal;
    private readonly TimedReader _sensors;

    public NodeSampler(IHostFileSystem files, BoardProfile board, TimeSpan? zoneTimeout = null)
    {
        _files = files;
        Board = board;
        _cgroups = new CgroupReader(files, _buffer);
        _totals = new NodeTotalsReader(files, _buffer, _cgroups);
        _sensors = new TimedReader(files, zoneTimeout ?? TimeSpan.FromMilliseconds(500));
        _thermal = new ThermalReader(files, _sensors, _buffer);
    }

    public BoardProfile Board { get; }

    /// <summary>Ends the sensor-read thread (a thread stuck in a hung read ends when that read returns).</summary>
    public void Dispose() => _sensors.Dispose();

    public NodeSample Sample(DateTimeOffset now)
    {
        var problems = new List<SampleProblem>();
        var layout = CgroupLayout.Detect(_files, _buffer);
        if (layout.Version == 0)
            problems.Add(new(ProblemKind.Missing, CgroupLayout.Mount, $"no cgroup hierarchy under {CgroupLayout.Mount} (neither v2 cgroup.controllers nor a v1 cpuacct/memory mount); no pod usage"));
        else if (!layout.MemoryEnabled)
            problems.Add(new(ProblemKind.Configuration, CgroupLayout.Mount,
                $"the memory cgroup controller is disabled, so pod memory cannot be measured: add \"{MemoryCgroupFix}\" to the kernel command line " +
                "(/boot/firmware/cmdline.txt on Raspberry Pi OS Bookworm, /boot/cmdline.txt before) and reboot"));

        // Node CPU first: it is the counter whose rate is most sensitive to the gap between `now` and the read.
        var (cpu, cpuSource) = _totals.ReadCpu(layout, problems);
        var (memory, memorySource) = _totals.ReadMemory(layout, problems);
        var pods = _cgroups.ReadPods(layout, problems);
        var thermal = _thermal.Read(Board, problems);
        return new NodeSample(Board.Id, new CgroupInfo(layout.Version, layout.Driver, layout.MemoryEnabled),
            new NodeCounters(now, cpu, memory, pods), cpuSource, memorySource, thermal, problems);
    }
}
