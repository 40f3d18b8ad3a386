// Serves metrics.k8s.io over a simulated cluster: 5 nodes, 50 namespaces, 1,000 pods (2 containers each), on
// 127.0.0.1:<port> with anonymous access (loopback only), and writes the exact response bodies of the benchmarked
// requests to <out-dir> so nginx can serve the same bytes as the ceiling. Runs until SIGTERM/SIGINT.
// Usage: dotnet run -c Release -- <port> <out-dir>
using System.Net;
using EdgeScaler.Core.Metrics;
using EdgeScaler.MetricsApi;

var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 18443;
var outDir = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "es-bench");
Directory.CreateDirectory(outDir);

var now = DateTimeOffset.UtcNow;
var rng = new Random(7);
var nodes = Enumerable.Range(1, 5).Select(i => new NodeUsage($"edge-{i}", now, TimeSpan.FromMilliseconds(15021),
    new ResourceUsage(rng.NextInt64(100_000_000, 3_000_000_000), rng.NextInt64(300, 900) * 1024 * 1024))
    { Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = $"edge-{i}" } }).ToList();
var pods = new List<PodUsage>();
for (var i = 0; i < 1000; i++)
{
    var ns = $"team-{i % 50:00}";
    var app = (i / 50 % 4) switch { 0 => "web", 1 => "api", 2 => "worker", _ => "cache" };
    var labels = new Dictionary<string, string> { ["app"] = app, ["tier"] = app == "web" ? "fe" : "be", ["pod-template-hash"] = "7d9f8c6b5" };
    pods.Add(new PodUsage(new PodRef(ns, $"{app}-{i:0000}-x7k2p", Guid.NewGuid().ToString()) { Labels = labels }, $"edge-{i % 5 + 1}", now,
        TimeSpan.FromMilliseconds(15021),
        [new ContainerUsage(app, new ResourceUsage(rng.NextInt64(1_000_000, 500_000_000), rng.NextInt64(10, 200) * 1024 * 1024)),
         new ContainerUsage("istio-proxy", new ResourceUsage(rng.NextInt64(100_000, 20_000_000), rng.NextInt64(20, 60) * 1024 * 1024))]));
}
var view = new FixedView(nodes, pods);

var options = new MetricsApiOptions { ListenAddress = "127.0.0.1", Port = port, AllowAnonymous = true, CertDirectory = Path.Combine(outDir, "tls") };
await using var server = await MetricsApiServer.StartAsync(view, options, MetricsApiSecurity.Anonymous());
File.WriteAllText(Path.Combine(outDir, "tls", "pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = server.Address };
foreach (var (name, path) in new[]
{
    ("pods-all.json", "/apis/metrics.k8s.io/v1beta1/pods"),
    ("pods-ns-selector.json", "/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods?labelSelector=app%3Dweb%2Ctier+in+%28fe%29"),
})
{
    var body = await client.GetByteArrayAsync(path);
    File.WriteAllBytes(Path.Combine(outDir, name), body);
    Console.WriteLine($"{name}: {body.Length} bytes from {path}");
}
Console.WriteLine($"serving on {server.Address} (pid {Environment.ProcessId}); SIGTERM or Ctrl-C stops it");
var stop = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;

sealed class FixedView(IReadOnlyList<NodeUsage> nodes, IReadOnlyList<PodUsage> pods) : IClusterMetrics
{
    public bool HasRates => true;
    public IReadOnlyList<NodeUsage> Nodes() => nodes;
    public IReadOnlyList<PodUsage> Pods() => pods;
}
