namespace EdgeScaler.MetricsApi.Tests;

using System.IO.Compression;
using System.Net;
using System.Text.Json;
using EdgeScaler.Core.Metrics;

/// <summary>Large lists are gzipped for clients that ask, as genericapiserver does (over 128 KiB, Vary: Accept-Encoding).</summary>
public class CompressionTests : IAsyncLifetime
{
    private const string AllPods = "/apis/metrics.k8s.io/v1beta1/pods";
    private RunningServer _s = null!;

    public async Task InitializeAsync() => _s = await RunningServer.StartAnonymousAsync(Large(1000));

    public async Task DisposeAsync() => await _s.DisposeAsync();

    /// <summary>1,000 two-container pods in 50 namespaces: a ~370 KB pod list, as in bench/metricsapi.</summary>
    internal static FixedClusterMetrics Large(int count)
    {
        var m = new FixedClusterMetrics();
        var pods = Enumerable.Range(0, count).Select(i => FixedClusterMetrics.Pod($"team-{i % 50:00}", $"web-{i:0000}-x7k2p", $"edge-{i % 5 + 1}",
            new() { ["app"] = i % 4 == 0 ? "web" : "api", ["pod-template-hash"] = "7d9f8c6b5" },
            ("main", 1_000_000 + i, (10L + i) * 1024 * 1024), ("istio-proxy", 100_000 + i, 20L * 1024 * 1024)));
        m.Set([new NodeUsage("edge-1", FixedClusterMetrics.SampleTime, TimeSpan.FromSeconds(15), new ResourceUsage(1, 1024))], pods);
        return m;
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? acceptEncoding)
    {
        using var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == _s.Server.Certificate.GetCertHashString();
        using var client = new HttpClient(handler) { BaseAddress = _s.Server.Address };
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null) req.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        var res = await client.SendAsync(req);
        return (res, await res.Content.ReadAsByteArrayAsync());
    }

    private static List<string> PodsOf(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("PodMetricsList", doc.RootElement.GetProperty("kind").GetString());
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + i.GetProperty("metadata").GetProperty("name").GetString()
                + " " + i.GetProperty("containers").GetRawText())
            .ToList();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("gzip, deflate, br")]
    [InlineData("br;q=1.0, GZIP;q=0.5")]
    public async Task LargeListIsGzippedWhenAccepted(string acceptEncoding)
    {
        var (plain, plainBody) = await GetAsync(AllPods, null);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.True(plainBody.Length > 128 * 1024, $"fixture too small: {plainBody.Length} bytes");

        var (zipped, zippedBody) = await GetAsync(AllPods, acceptEncoding);
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", zipped.Headers.Vary);
        Assert.Equal("application/json", zipped.Content.Headers.ContentType!.ToString());
        Assert.True(zippedBody.Length * 4 < plainBody.Length, $"{zippedBody.Length} compressed vs {plainBody.Length} plain");

        using var unzip = new GZipStream(new MemoryStream(zippedBody), CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        await unzip.CopyToAsync(unzipped);
        var items = PodsOf(unzipped.ToArray());
        Assert.Equal(1000, items.Count);
        Assert.Equal(PodsOf(plainBody), items);
    }

    [Theory]
    [InlineData(AllPods, "gzip;q=0")]
    [InlineData(AllPods, "deflate, br")]
    [InlineData(AllPods, "*")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods", "gzip")] // small: not worth it
    public async Task OtherwiseTheBodyIsPlain(string path, string acceptEncoding)
    {
        var (res, body) = await GetAsync(path, acceptEncoding);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Empty(res.Content.Headers.ContentEncoding);
        Assert.NotEmpty(PodsOf(body));
    }

    [Fact]
    public async Task KubectlReadsTheGzippedList()
    {
        var dir = Directory.CreateTempSubdirectory("es-kubectl-gzip-").FullName;
        try
        {
            var kubeconfig = KubectlTests.WriteKubeconfig(dir, _s.Server.Address, "ignored-by-anonymous-server");
            var (code, stdout, stderr) = await KubectlTests.KubectlAsync(kubeconfig, Path.Combine(dir, "cache"), "get", "--raw", AllPods, "-v=8");
            Assert.True(code == 0, stderr);
            // Go's transport asked for gzip itself and hands kubectl the inflated body without Content-Encoding; the Vary
            // header, which only compressed answers carry, shows in the -v=8 log that gzip was what came over the wire.
            Assert.True(stderr.Contains("Vary: Accept-Encoding"), stderr);
            Assert.Equal(1000, PodsOf(System.Text.Encoding.UTF8.GetBytes(stdout)).Count);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
