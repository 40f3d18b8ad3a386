namespace EdgeScaler.MetricsApi.Tests;

using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// The real kubectl against a running metrics API: raw GETs on every endpoint and typed gets through discovery.
/// kubectl talks to the agent directly (as it would through the aggregator's proxy): discovery at /api is a 404
/// Status, which client-go treats as "no legacy group", and /apis lists metrics.k8s.io.
/// </summary>
public class KubectlTests : IAsyncLifetime
{
    private RunningServer _s = null!;
    private string _dir = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _s = await RunningServer.StartAnonymousAsync(FixedClusterMetrics.Sample());
        _dir = Directory.CreateTempSubdirectory("es-kubectl-").FullName;
        // A token, though the server is anonymous: kubectl prompts for a username when a cluster has no credentials at all.
        _kubeconfig = WriteKubeconfig(_dir, _s.Server.Address, "ignored-by-anonymous-server");
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    internal static string WriteKubeconfig(string dir, Uri server, string? token)
    {
        var path = Path.Combine(dir, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: agent
              cluster:
                server: {server.ToString().TrimEnd('/')}
                insecure-skip-tls-verify: true
            users:
            - name: u
              user: {(token is null ? "{}" : "\n    token: " + token)}
            contexts:
            - name: agent
              context: {"{"}cluster: agent, user: u{"}"}
            current-context: agent
            """);
        return path;
    }

    /// <summary>
    /// kubectl to run: $KUBECTL, else the one on PATH. Google's packaged kubectl is a version-skew dispatcher that
    /// first asks the server's /version for a Kubernetes version to pick a binary by — an aggregated API server has
    /// none — so the plain binary it ships beside itself is used directly.
    /// </summary>
    private static readonly string KubectlPath = ResolveKubectl();

    private static string ResolveKubectl()
    {
        if (Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } env) return env;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (onPath is null) return "kubectl";
        var real = new FileInfo(onPath).ResolveLinkTarget(true)?.FullName ?? onPath;
        var versioned = Directory.GetFiles(Path.GetDirectoryName(real)!, "kubectl.1.*").OrderBy(f => Version.Parse(Path.GetFileName(f)["kubectl.".Length..])).LastOrDefault();
        return versioned ?? onPath;
    }

    internal static async Task<(int Code, string Out, string Err)> KubectlAsync(string kubeconfig, string cacheDir, params string[] args)
    {
        var psi = new ProcessStartInfo(KubectlPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--kubeconfig=" + kubeconfig);
        psi.ArgumentList.Add("--cache-dir=" + cacheDir);
        psi.ArgumentList.Add("--request-timeout=20s");
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private Task<(int Code, string Out, string Err)> Kubectl(params string[] args) => KubectlAsync(_kubeconfig, Path.Combine(_dir, "cache"), args);

    [Theory]
    [InlineData("/apis", "APIGroupList")]
    [InlineData("/apis/metrics.k8s.io", "APIGroup")]
    [InlineData("/apis/metrics.k8s.io/v1beta1", "APIResourceList")]
    [InlineData("/apis/metrics.k8s.io/v1", "APIResourceList")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/nodes", "NodeMetricsList")]
    [InlineData("/apis/metrics.k8s.io/v1/nodes/edge-1", "NodeMetrics")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/pods", "PodMetricsList")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb%2Ctier+in+%28fe%29", "PodMetricsList")]
    [InlineData("/apis/metrics.k8s.io/v1/namespaces/shop/pods/db-0", "PodMetrics")]
    public async Task GetRawOnEveryEndpoint(string path, string kind)
    {
        var (code, stdout, stderr) = await Kubectl("get", "--raw", path);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(kind, doc.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task GetRawHealthAndErrors()
    {
        var (ok, readyz, readyErr) = await Kubectl("get", "--raw", "/readyz");
        Assert.True(ok == 0, readyErr);
        Assert.Equal("ok", readyz.Trim());
        var (code, _, stderr) = await Kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/nope");
        Assert.NotEqual(0, code);
        Assert.Contains("NotFound", stderr);
        var (bad, _, badErr) = await Kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app+in+%28x");
        Assert.NotEqual(0, bad);
        Assert.Contains("BadRequest", badErr);
    }

    [Fact]
    public async Task TypedGetsThroughDiscovery()
    {
        var (code, stdout, stderr) = await Kubectl("get", "nodes.metrics.k8s.io", "-o", "json");
        Assert.True(code == 0, stderr);
        using var nodes = JsonDocument.Parse(stdout);
        var names = nodes.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()).ToList();
        Assert.Equal(["edge-1", "edge-2"], names);

        var (pcode, pout, perr) = await Kubectl("get", "pods.metrics.k8s.io", "-n", "shop", "-l", "app=web", "-o", "json");
        Assert.True(pcode == 0, perr);
        using var pods = JsonDocument.Parse(pout);
        Assert.Equal(2, pods.RootElement.GetProperty("items").GetArrayLength());

        var (tcode, table, terr) = await Kubectl("get", "podmetrics", "-A");
        Assert.True(tcode == 0, terr);
        Assert.Contains("coredns-1", table);
    }

    [Fact]
    public async Task KubectlWithTokenAgainstDelegatedSecurity()
    {
        await using var kube = await AuthStandIn.StartAsync();
        kube.Tokens["alice-token"] = ("alice", ["devs"]);
        var dir = Directory.CreateTempSubdirectory("es-kubectl-auth-").FullName;
        var options = new MetricsApiOptions { ListenAddress = "127.0.0.1", Port = 0, CertDirectory = dir };
        await using var server = await RunningServer.StartAsync(FixedClusterMetrics.Sample(), options,
            await MetricsApiSecurity.DelegatingAsync(kube.AuthApi(), options, NullLogger.Instance));
        var good = WriteKubeconfig(dir, server.Server.Address, "alice-token");
        var (code, stdout, stderr) = await KubectlAsync(good, Path.Combine(dir, "c1"), "get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods");
        Assert.True(code == 0, stderr);
        Assert.Contains("PodMetricsList", stdout);

        var bad = WriteKubeconfig(Directory.CreateDirectory(Path.Combine(dir, "bad")).FullName, server.Server.Address, "expired");
        var (badCode, _, badErr) = await KubectlAsync(bad, Path.Combine(dir, "c2"), "get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods");
        Assert.NotEqual(0, badCode);
        Assert.Contains("Unauthorized", badErr);
    }
}
