namespace EdgeScaler.MetricsApi.Tests;

using System.Net;
using System.Text.Json;

/// <summary>Wire shapes against a real server over TLS, compared with what metrics-server sends (metrics-api.md §2).</summary>
public class EndpointShapeTests : IAsyncLifetime
{
    private RunningServer _s = null!;
    private readonly FixedClusterMetrics _metrics = FixedClusterMetrics.Sample();

    public async Task InitializeAsync() => _s = await RunningServer.StartAnonymousAsync(_metrics);

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task ResourceListMatchesMetricsServerVerbatim()
    {
        var (code, ct, _, body) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json", ct);
        Assert.Equal("""{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"metrics.k8s.io/v1beta1","resources":[{"name":"nodes","singularName":"","namespaced":false,"kind":"NodeMetrics","verbs":["get","list"]},{"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}]}""", body);
        var (_, _, v1, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1/");
        Assert.Equal("metrics.k8s.io/v1", v1!.RootElement.GetProperty("groupVersion").GetString());
    }

    [Fact]
    public async Task GroupAndGroupListListBothVersions()
    {
        var (_, _, group, _) = await _s.GetAsync("/apis/metrics.k8s.io");
        Assert.Equal("APIGroup", group!.RootElement.GetProperty("kind").GetString());
        var versions = group.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()).ToList();
        Assert.Equal(["v1", "v1beta1"], versions);
        var (_, _, list, _) = await _s.GetAsync("/apis");
        Assert.Equal("APIGroupList", list!.RootElement.GetProperty("kind").GetString());
        Assert.Equal("metrics.k8s.io", list.RootElement.GetProperty("groups")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task AggregatedDiscoveryV2WhenAsked()
    {
        var (code, ct, json, _) = await _s.GetAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList", ct);
        var resources = json!.RootElement.GetProperty("items")[0].GetProperty("versions")[0].GetProperty("resources");
        Assert.Equal("Namespaced", resources[1].GetProperty("scope").GetString());
    }

    [Fact]
    public async Task NodeListHasMetricsServerShape()
    {
        var (code, ct, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/nodes");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json", ct);
        var root = json!.RootElement;
        Assert.Equal("NodeMetricsList", root.GetProperty("kind").GetString());
        Assert.Equal("metrics.k8s.io/v1beta1", root.GetProperty("apiVersion").GetString());
        Assert.Equal("{}", root.GetProperty("metadata").GetRawText());
        var items = root.GetProperty("items");
        Assert.Equal(["edge-1", "edge-2"], items.EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        var first = items[0];
        Assert.False(first.TryGetProperty("kind", out _));
        Assert.Equal("2026-08-30T10:00:05Z", first.GetProperty("timestamp").GetString());
        Assert.Equal("15.021s", first.GetProperty("window").GetString());
        Assert.Equal("312457893n", first.GetProperty("usage").GetProperty("cpu").GetString());
        Assert.Equal("1362696Ki", first.GetProperty("usage").GetProperty("memory").GetString());
        Assert.Equal(2, first.GetProperty("usage").EnumerateObject().Count());
        Assert.Equal("pi5", first.GetProperty("metadata").GetProperty("labels").GetProperty("board").GetString());
        Assert.True(DateTimeOffset.TryParse(first.GetProperty("metadata").GetProperty("creationTimestamp").GetString(), out _));
    }

    [Fact]
    public async Task SingleNodeCarriesTypeMetaAndUnknownNodeIs404Status()
    {
        var (_, _, node, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1/nodes/edge-2");
        Assert.Equal("NodeMetrics", node!.RootElement.GetProperty("kind").GetString());
        Assert.Equal("metrics.k8s.io/v1", node.RootElement.GetProperty("apiVersion").GetString());

        var (code, ct, err, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/nodes/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("application/json", ct);
        AssertStatus(err!, 404, "NotFound", "nodemetrics.metrics.k8s.io \"nope\" not found");
    }

    [Fact]
    public async Task PodListsAreSortedByNamespaceThenName()
    {
        var (_, _, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/pods");
        var names = json!.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + i.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(["kube-system/coredns-1", "shop/db-0", "shop/web-a", "shop/web-b"], names);
    }

    [Fact]
    public async Task PodShapeHasContainersWithCanonicalQuantities()
    {
        var (code, _, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-b");
        Assert.Equal(HttpStatusCode.OK, code);
        var root = json!.RootElement;
        Assert.Equal("PodMetrics", root.GetProperty("kind").GetString());
        Assert.Equal("shop", root.GetProperty("metadata").GetProperty("namespace").GetString());
        Assert.Equal("15s", root.GetProperty("window").GetString());
        var containers = root.GetProperty("containers");
        Assert.Equal("nginx", containers[0].GetProperty("name").GetString());
        Assert.Equal("2m", containers[0].GetProperty("usage").GetProperty("cpu").GetString());
        Assert.Equal("8Mi", containers[0].GetProperty("usage").GetProperty("memory").GetString());
        Assert.Equal("1u", containers[1].GetProperty("usage").GetProperty("cpu").GetString());
    }

    [Fact]
    public async Task HpaQueryWithUrlEncodedSetBasedSelector()
    {
        // What kube-apiserver forwards after re-encoding the query (metrics-api.md §0.4).
        var (code, _, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb%2Ctier+in+%28fe%29%2C%21canary");
        Assert.Equal(HttpStatusCode.OK, code);
        var names = json!.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(["web-b"], names);
    }

    [Fact]
    public async Task FieldSelectorsOnNameAndNamespace()
    {
        var (_, _, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace%3Dshop%2Cmetadata.name%21%3Dweb-a");
        Assert.Equal(["db-0", "web-b"], json!.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        var (_, _, nodes, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3Dedge-2");
        Assert.Single(nodes!.RootElement.GetProperty("items").EnumerateArray());
        var (_, _, other, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dedge-1");
        Assert.Empty(other!.RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task NodeLabelSelector()
    {
        var (_, _, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=board+in+%28pi4%29");
        Assert.Equal(["edge-2"], json!.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task EmptyResultIsEmptyArrayNotNull()
    {
        var (_, _, json, body) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/nothing-here/pods");
        Assert.Contains("\"metadata\":{},\"items\":[]", body);
        Assert.Equal(JsonValueKind.Array, json!.RootElement.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task PodWithoutMetricsIs404WithNamespacedName()
    {
        var (code, _, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/gone");
        Assert.Equal(HttpStatusCode.NotFound, code);
        AssertStatus(json!, 404, "NotFound", "podmetrics.metrics.k8s.io \"shop/gone\" not found");
        Assert.Equal("shop/gone", json!.RootElement.GetProperty("details").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("application/vnd.kubernetes.protobuf,application/json")]
    [InlineData("application/vnd.kubernetes.protobuf, */*")]
    [InlineData("application/vnd.kubernetes.protobuf")]
    [InlineData("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")]
    [InlineData("application/cbor")]
    [InlineData("text/html")]
    public async Task AnyAcceptGetsJsonNever406(string accept)
    {
        var (code, ct, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", accept);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json", ct);
        Assert.Equal("PodMetricsList", json!.RootElement.GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("/apis/metrics.k8s.io/v1beta1/pods?watch=true", "pods")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/nodes?watch=1", "nodes")]
    [InlineData("/apis/metrics.k8s.io/v1/namespaces/shop/pods?watch=true&resourceVersion=0", "pods")]
    public async Task WatchIs405MethodNotAllowed(string path, string resource)
    {
        var (code, _, json, _) = await _s.GetAsync(path);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, code);
        AssertStatus(json!, 405, "MethodNotAllowed", $"watch is not supported on resources of kind \"{resource}.metrics.k8s.io\"");
    }

    [Theory]
    [InlineData("/apis/metrics.k8s.io/v2/pods")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/deployments")]
    [InlineData("/apis/other.io/v1")]
    [InlineData("/api/v1/pods")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-a/log")]
    [InlineData("/openapi/v2")]
    public async Task UnknownPathsAre404Status(string path)
    {
        var (code, ct, json, _) = await _s.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("application/json", ct);
        AssertStatus(json!, 404, "NotFound", "the server could not find the requested resource");
    }

    [Theory]
    [InlineData("app in (web")]
    [InlineData("app=web,,x")]
    [InlineData("!=x")]
    public async Task MalformedSelectorIs400WithParseError(string selector)
    {
        var (code, ct, json, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=" + Uri.EscapeDataString(selector));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("application/json", ct);
        Assert.Equal("BadRequest", json!.RootElement.GetProperty("reason").GetString());
        Assert.StartsWith("unable to parse requirement", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task OtherVerbsAre405()
    {
        using var res = await _s.Client.PostAsync("/apis/metrics.k8s.io/v1beta1/pods", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, res.StatusCode);
        Assert.Equal("application/json", res.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task UnknownQueryParametersAreIgnored()
    {
        var (code, _, _, _) = await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/pods?limit=500&resourceVersion=0&timeoutSeconds=5&pretty=true&whatever=1");
        Assert.Equal(HttpStatusCode.OK, code);
    }

    [Fact]
    public async Task ReadyOnlyOnceTheViewHasRates()
    {
        _metrics.HasRates = false;
        var (notReady, _, _, body) = await _s.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.InternalServerError, notReady);
        Assert.Contains("[-]metric-storage-ready failed", body);
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/livez")).Code);
        _metrics.HasRates = true;
        var (ready, _, _, ok) = await _s.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal("ok", ok);
        var (_, _, _, verbose) = await _s.GetAsync("/readyz?verbose");
        Assert.Contains("[+]metric-storage-ready ok", verbose);
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/readyz/metric-storage-ready")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/healthz")).Code);
    }

    [Fact]
    public async Task NewSamplesShowUpOnTheNextRequest()
    {
        var before = (await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")).Json!.RootElement.GetProperty("items").GetArrayLength();
        _metrics.Set(_metrics.Nodes(), _metrics.Pods().Where(p => p.Pod.Name != "db-0"));
        var after = (await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")).Json!.RootElement.GetProperty("items").GetArrayLength();
        Assert.Equal(before - 1, after);
    }

    [Fact]
    public async Task VersionAndSelfMetrics()
    {
        var (code, ct, json, _) = await _s.GetAsync("/version");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json", ct);
        Assert.EndsWith("-edgescaler", json!.RootElement.GetProperty("gitVersion").GetString());
        await _s.GetAsync("/apis/metrics.k8s.io/v1beta1/nodes");
        var (_, mct, _, text) = await _s.GetAsync("/metrics");
        Assert.StartsWith("text/plain", mct);
        Assert.Matches(@"edgescaler_metricsapi_requests_total\{route=""nodes"",code=""200""\} [1-9]", text);
        Assert.Contains("edgescaler_metricsapi_request_duration_seconds_bucket{le=\"+Inf\"}", text);
    }

    [Fact]
    public async Task Http2Works()
    {
        using var h2 = RunningServer.NewClient(_s.Server, HttpVersion.Version20);
        using var res = await h2.GetAsync("/apis/metrics.k8s.io/v1beta1/nodes");
        Assert.Equal(HttpVersion.Version20, res.Version);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/json", res.Content.Headers.ContentType!.ToString());
    }

    internal static void AssertStatus(JsonDocument json, int code, string reason, string message)
    {
        var r = json.RootElement;
        Assert.Equal("Status", r.GetProperty("kind").GetString());
        Assert.Equal("v1", r.GetProperty("apiVersion").GetString());
        Assert.Equal("Failure", r.GetProperty("status").GetString());
        Assert.Equal(reason, r.GetProperty("reason").GetString());
        Assert.Equal(message, r.GetProperty("message").GetString());
        Assert.Equal(code, r.GetProperty("code").GetInt32());
    }
}
