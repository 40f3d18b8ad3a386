namespace EdgeScaler.MetricsApi.Tests;

using System.Net.Sockets;

/// <summary>
/// Hostile and broken clients over real sockets and TLS: oversized request lines and headers, clients that trickle
/// or never speak, hundreds of connections at once, malformed selectors and paths. Each one gets a clear answer (or
/// a clean close) and the server keeps answering health checks.
/// </summary>
public class BadInputTests : IAsyncLifetime
{
    private const string PodsPath = "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // an upper bound so a broken server fails instead of hanging

    private RunningServer _s = null!;

    public async Task InitializeAsync() => _s = await RunningServer.StartAnonymousAsync(FixedClusterMetrics.Sample(), o =>
    {
        o.RequestHeadersTimeoutSeconds = 3; // also the TLS handshake bound: room for a busy machine
        o.MaxRequestLineBytes = 8 * 1024;
        o.MaxRequestHeadersTotalBytes = 32 * 1024;
    });

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task AssertHealthyAsync()
    {
        await using var c = await RawHttpsConnection.OpenAsync(_s.Server.Address);
        await c.SendGetAsync("/healthz");
        var res = await c.ReadResponseAsync();
        Assert.Equal(200, res!.Code);
        Assert.Equal("ok", res.Body);
        await c.SendGetAsync(PodsPath);
        Assert.Equal(200, (await c.ReadResponseAsync())!.Code);
    }

    [Fact]
    public async Task QueryStringOverTheLineLimitIs414AndTheServerStaysUp()
    {
        await using (var c = await RawHttpsConnection.OpenAsync(_s.Server.Address))
        {
            await c.SendGetAsync(PodsPath + "?labelSelector=app%3D" + new string('x', 10 * 1024));
            var res = await c.ReadResponseAsync();
            Assert.Equal(414, res!.Code);
        }
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task MegabyteRequestLineIsRefusedWithoutHurtingTheServer()
    {
        // The server stops reading at the limit, answers 414 and closes; with most of the megabyte still unread, TCP may
        // turn that close into a reset before the answer is read. Either way the client is refused, not served or hung.
        int? code = null;
        try
        {
            await using var c = await RawHttpsConnection.OpenAsync(_s.Server.Address);
            await c.SendGetAsync(PodsPath + "?labelSelector=app%3D" + new string('x', 1024 * 1024));
            code = (await c.ReadResponseAsync())?.Code;
        }
        catch (IOException) { }
        Assert.True(code is null or 414, $"got {code}");
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task LongButAllowedSelectorIsParsedNotRefused()
    {
        // 150 set-based values (~4 KiB, under the request-line limit) is a legal if silly selector: it is answered.
        var values = string.Join(",", Enumerable.Range(0, 150).Select(i => $"v{i:000}-web"));
        var (code, _, json, _) = await _s.GetAsync(PodsPath + "?labelSelector=" + Uri.EscapeDataString($"app notin ({values})"));
        Assert.Equal(System.Net.HttpStatusCode.OK, code);
        Assert.Equal(3, json!.RootElement.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData(1, 40 * 1024)]   // one enormous header
    [InlineData(500, 16)]       // too many headers
    public async Task HugeOrTooManyHeadersAre431AndTheServerStaysUp(int count, int size)
    {
        await using (var c = await RawHttpsConnection.OpenAsync(_s.Server.Address))
        {
            await c.SendGetAsync(PodsPath, Enumerable.Range(0, count).Select(i => $"X-Junk-{i}: {new string('y', size)}").ToArray());
            var res = await c.ReadResponseAsync();
            Assert.Equal(431, res!.Code);
        }
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task ClientTricklingHeadersIsCutOffWhileHealthKeepsAnswering()
    {
        await using var slow = await RawHttpsConnection.OpenAsync(_s.Server.Address);
        await slow.SendAsync($"GET {PodsPath} HTTP/1.1\r\nHost: localhost\r\n");
        using var deadline = new CancellationTokenSource(Patience);
        var closed = slow.WaitForCloseAsync(deadline.Token);
        var sent = 0;
        try
        {
            // One header byte every 100 ms, never finishing: well within any per-byte timeout, never within RequestHeadersTimeout.
            while (!closed.IsCompleted && !deadline.IsCancellationRequested)
            {
                await slow.SendAsync("X-Slow: a\r\n"[(sent % 11)..((sent % 11) + 1)]);
                sent++;
                if (sent % 5 == 0) await AssertHealthyAsync(); // others are served while the slow client hangs on
                await Task.Delay(100);
            }
        }
        catch (IOException) { } // the server closed while we were writing: also a cut-off
        Assert.True(await closed, "the server never closed the trickling connection");
        Assert.False(deadline.IsCancellationRequested, $"still open after {Patience.TotalSeconds}s of trickling");
        Assert.True(sent >= 5, "cut off before any health check ran alongside it"); // 5 bytes take 0.5 s; the limit is 3 s
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task ClientThatNeverStartsTlsIsClosed()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_s.Server.Address.Host, _s.Server.Address.Port);
        using var deadline = new CancellationTokenSource(Patience);
        var buffer = new byte[1];
        int read;
        try { read = await tcp.GetStream().ReadAsync(buffer, deadline.Token); }
        catch (IOException) { read = 0; }
        Assert.Equal(0, read);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task TwoHundredConcurrentConnectionsAreAllAnsweredAndHealthAnswersThroughout()
    {
        // Default limits: 200 handshakes at once on a busy machine may take longer than this class's 1 s header timeout.
        await using var server = await RunningServer.StartAnonymousAsync(FixedClusterMetrics.Sample());
        var connections = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RawHttpsConnection.OpenAsync(server.Server.Address)));
        try
        {
            // All 200 are open at once; each sends two requests on its kept-alive connection.
            for (var round = 0; round < 2; round++)
            {
                var answers = await Task.WhenAll(connections.Select(async (c, i) =>
                {
                    await c.SendGetAsync(i % 2 == 0 ? PodsPath : "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=board%3Dpi5");
                    return await c.ReadResponseAsync();
                }).Append(HealthDuringAsync()));
                Assert.All(answers, a => Assert.Equal(200, a!.Code));
                Assert.All(answers.Take(200), a => Assert.Equal("application/json", a!.Headers["Content-Type"]));
            }
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
        Assert.Equal(200, (await HealthDuringAsync())!.Code);

        async Task<RawResponse?> HealthDuringAsync()
        {
            await using var c = await RawHttpsConnection.OpenAsync(server.Server.Address);
            await c.SendGetAsync("/readyz");
            return await c.ReadResponseAsync();
        }
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimitAreClosedCleanlyAndTheRestAnswered()
    {
        await using var limited = await RunningServer.StartAnonymousAsync(FixedClusterMetrics.Sample(), o => o.MaxConcurrentConnections = 50);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            try
            {
                var c = await RawHttpsConnection.OpenAsync(limited.Server.Address);
                await c.SendGetAsync(PodsPath);
                var res = await c.ReadResponseAsync();
                return (Connection: c, Code: res?.Code);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or SocketException)
            {
                return (Connection: (RawHttpsConnection?)null, Code: (int?)null); // refused: closed before or during the handshake
            }
        }));
        try
        {
            // The connections are all still open, so exactly the limit got in; everyone else got a clean close, no half answers.
            Assert.Equal(50, attempts.Count(a => a.Code == 200));
            Assert.All(attempts, a => Assert.True(a.Code is 200 or null, $"unexpected answer {a.Code}"));
        }
        finally
        {
            foreach (var (c, _) in attempts) if (c is not null) await c.DisposeAsync();
        }
        // Slots free up as soon as clients leave.
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                await using var c = await RawHttpsConnection.OpenAsync(limited.Server.Address);
                await c.SendGetAsync("/healthz");
                if ((await c.ReadResponseAsync())?.Code == 200) break;
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException && DateTime.UtcNow < deadline) { }
            await Task.Delay(100);
        }
    }

    [Theory]
    [InlineData("app in (web")]
    [InlineData("app=web,,x")]
    [InlineData("!=x")]
    [InlineData("app=" + "\u00e9t\u00e9")]
    [InlineData("a b c")]
    [InlineData("app notin ()")]
    [InlineData("-bad-key=x")]
    public async Task MalformedSelectorsOverARawConnectionAre400StatusAndTheConnectionStaysUsable(string selector)
    {
        await using var c = await RawHttpsConnection.OpenAsync(_s.Server.Address);
        await c.SendGetAsync(PodsPath + "?labelSelector=" + Uri.EscapeDataString(selector));
        var res = await c.ReadResponseAsync();
        Assert.Equal(400, res!.Code);
        Assert.Equal("application/json", res.Headers["Content-Type"]);
        using var json = res.Json();
        Assert.Equal("Status", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("BadRequest", json.RootElement.GetProperty("reason").GetString());
        Assert.Contains("unable to parse requirement", json.RootElement.GetProperty("message").GetString());
        // The same kept-alive connection still serves the next request.
        await c.SendGetAsync(PodsPath);
        Assert.Equal(200, (await c.ReadResponseAsync())!.Code);
    }

    [Theory]
    [InlineData("fieldSelector=spec.nodeName")]
    [InlineData("fieldSelector=metadata.name%3D%3D%3Dx")]
    public async Task MalformedFieldSelectorsAre400Status(string query)
    {
        await using var c = await RawHttpsConnection.OpenAsync(_s.Server.Address);
        await c.SendGetAsync(PodsPath + "?" + query);
        var res = await c.ReadResponseAsync();
        Assert.Equal(400, res!.Code);
        using var json = res.Json();
        Assert.Equal("BadRequest", json.RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("/apis/metrics.k8s.io/v1beta1/pods%2F..%2F..%2Fsecrets")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/a/b/c/d/e/f")]
    [InlineData("/../../etc/passwd")]
    [InlineData("/apis/metrics.k8s.io/v1beta1%2Fnodes")]
    public async Task UnknownAndMangledPathsAre404Status(string path)
    {
        await using var c = await RawHttpsConnection.OpenAsync(_s.Server.Address);
        await c.SendGetAsync(path);
        var res = await c.ReadResponseAsync();
        Assert.Equal(404, res!.Code);
        using var json = res.Json();
        EndpointShapeTests.AssertStatus(json, 404, "NotFound", "the server could not find the requested resource");
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n")]
    [InlineData("GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n")]
    [InlineData("GET /apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/%00 HTTP/1.1\r\nHost: x\r\n\r\n")] // NUL in the path
    public async Task UnparseableRequestsAre400AndTheServerStaysUp(string request)
    {
        await using (var c = await RawHttpsConnection.OpenAsync(_s.Server.Address))
        {
            await c.SendAsync(request);
            var res = await c.ReadResponseAsync();
            Assert.True(res?.Code is 400 or 505, $"got {res?.Code}");
        }
        await AssertHealthyAsync();
    }
}
