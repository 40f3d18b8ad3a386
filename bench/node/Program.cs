// One full sample of a generated node (default: 110 pods x 3 containers + pause, cgroup v2 systemd):
// wall time and bytes allocated per sample, and whether allocation grows with uptime.
// Also writes the list of files and directories one sample touches, for the C floor reader (floor.c).
using System.Diagnostics;
using EdgeScaler.Node;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: NodeBench HOST_ROOT [SAMPLES] [PATHS_OUT]");
    return 2;
}
var root = args[0];
var samples = args.Length > 1 ? int.Parse(args[1]) : 2000;
var pathsOut = args.Length > 2 ? args[2] : null;

var board = BoardCatalog.BuiltIn.Find("rpi-4b")!;
var real = new HostFileSystem(root);

// Which files one sample reads (in order), for the floor.
var recorder = new RecordingFileSystem(real);
using (var once = new NodeSampler(recorder, board)) once.Sample(DateTimeOffset.UtcNow);
if (pathsOut is not null) File.WriteAllLines(pathsOut, recorder.Touched);
Console.WriteLine($"one sample: {recorder.Touched.Count(t => t.StartsWith("F "))} file reads, {recorder.Touched.Count(t => t.StartsWith("D "))} directory listings");

using var sampler = new NodeSampler(real, board);
var check = sampler.Sample(DateTimeOffset.UtcNow);
Console.WriteLine($"pods {check.Counters.Pods.Count}, containers {check.Counters.Pods.Sum(p => p.Containers.Count)}, problems {check.Problems.Count}");
for (var i = 0; i < 50; i++) sampler.Sample(DateTimeOffset.UtcNow); // warm up (JIT tiering)

var times = new double[samples];
var bytes = new long[samples];
var now = DateTimeOffset.UtcNow;
GC.Collect();
for (var i = 0; i < samples; i++)
{
    var a0 = GC.GetTotalAllocatedBytes(precise: true);
    var t0 = Stopwatch.GetTimestamp();
    sampler.Sample(now.AddSeconds(10 * i));
    times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    bytes[i] = GC.GetTotalAllocatedBytes(precise: true) - a0;
}

var sorted = times.Order().ToArray();
Console.WriteLine($"samples {samples}: wall median {sorted[samples / 2]:0.000} ms, p90 {sorted[samples * 9 / 10]:0.000} ms, min {sorted[0]:0.000} ms");
var tenth = Math.Max(1, samples / 10);
double first = bytes.Take(tenth).Average(), last = bytes.Skip(samples - tenth).Average();
Console.WriteLine($"allocated per sample: first {tenth} avg {first:0} B, last {tenth} avg {last:0} B, min {bytes.Min()} B, max {bytes.Max()} B");
Console.WriteLine($"growth first→last tenth: {(last - first) / first * 100:0.00}%");
Console.WriteLine($"gen0 collections {GC.CollectionCount(0)}, gen2 {GC.CollectionCount(2)}, working set {Environment.WorkingSet / 1024 / 1024} MiB");
return 0;

/// <summary>Passes reads through and notes each path ("F path" for a file, "D path" for a listing).</summary>
sealed class RecordingFileSystem(HostFileSystem real) : IHostFileSystem
{
    public readonly List<string> Touched = [];
    public string Root => real.Root;
    public FileRead Read(string path, Span<byte> buffer) { lock (Touched) Touched.Add("F " + real.Resolve(path)); return real.Read(path, buffer); }
    public FileReadStatus List(string directory, List<string> names) { lock (Touched) Touched.Add("D " + real.Resolve(directory)); return real.List(directory, names); }
    public bool Exists(string path) => real.Exists(path);
}
