namespace EdgeScaler.Simulation.Tests;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

/// <summary>One message as a real mosquitto_sub printed it.</summary>
public sealed record MqttSeen(bool Retain, string Topic, string Payload)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

/// <summary>
/// A real `mosquitto_sub` (MQTT 5, QoS 1, anonymous) printing retain|topic|payload per line; waits for the SUBACK
/// before returning, so nothing published afterwards is missed.
/// </summary>
public sealed class MosquittoSub : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<MqttSeen> _seen = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Process _process;

    private MosquittoSub(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static async Task<MosquittoSub> StartAsync(int port, string topic)
    {
        // stdbuf: mosquitto_sub block-buffers stdout on a pipe, which would hold back the SUBACK line.
        var psi = new ProcessStartInfo("stdbuf", ["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", port.ToString(), "-V", "mqttv5", "-q", "1",
            "-t", topic, "-F", "%r|%t|%p", "-d", "-i", "simtest-" + Guid.NewGuid().ToString("N")[..10]])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var sub = new MosquittoSub(Process.Start(psi)!);
        try { await sub._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(20)); }
        catch (TimeoutException)
        {
            await sub.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"mosquitto_sub on port {port} got no SUBACK in 20 s: {string.Join('\n', sub._stderr)}");
        }
        return sub;
    }

    public IReadOnlyList<MqttSeen> Seen { get { lock (_gate) return [.. _seen]; } }

    /// <summary>Waits until the messages so far satisfy <paramref name="done"/>; fails showing the last ones seen.</summary>
    public async Task<IReadOnlyList<MqttSeen>> WaitUntilAsync(Func<IReadOnlyList<MqttSeen>, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var seen = Seen;
            if (done(seen)) return seen;
            await Task.Delay(25);
        }
        var last = Seen;
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; mosquitto_sub saw {last.Count} messages, the last:\n" +
            string.Join('\n', last.TakeLast(12).Select(m => $"  {m.Topic} {m.Payload}")));
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.StartsWith("Client ", StringComparison.Ordinal))
        {
            if (line.Contains("received SUBACK", StringComparison.Ordinal)) _subscribed.TrySetResult();
            return;
        }
        var parts = line.Split('|', 3);
        if (parts.Length < 3 || parts[0] is not ("0" or "1")) return;
        lock (_gate) _seen.Add(new MqttSeen(parts[0] == "1", parts[1], parts[2]));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>A real `mosquitto_pub` (MQTT 5, QoS 1).</summary>
public static class MosquittoPub
{
    public static async Task PublishAsync(int port, string topic, string message)
    {
        var psi = new ProcessStartInfo("mosquitto_pub", ["-h", "127.0.0.1", "-p", port.ToString(), "-V", "mqttv5", "-q", "1", "-i", "simpub-" + Guid.NewGuid().ToString("N")[..10], "-t", topic, "-m", message])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(p.ExitCode == 0, $"mosquitto_pub failed ({p.ExitCode}): {await stderr}");
    }
}

/// <summary>A real mosquitto broker on a free loopback port, anonymous, no persistence; killed on dispose.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sim-mosquitto-{Guid.NewGuid():N}");
    private Process? _process;

    public int Port { get; private set; }

    public string Uri => $"mqtt://127.0.0.1:{Port}";

    public static async Task<MosquittoBroker> StartAsync()
    {
        var b = new MosquittoBroker();
        Directory.CreateDirectory(b._dir);
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); b.Port = ((IPEndPoint)l.LocalEndpoint).Port; }
        var conf = Path.Combine(b._dir, "mosquitto.conf");
        File.WriteAllText(conf, $"listener {b.Port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n");
        b._process = Process.Start(new ProcessStartInfo("mosquitto", ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        b._process.BeginErrorReadLine();
        b._process.BeginOutputReadLine();
        for (var i = 0; i < 200; i++)
        {
            if (b._process.HasExited) throw new InvalidOperationException($"mosquitto exited with {b._process.ExitCode}");
            using var c = new TcpClient();
            try { await c.ConnectAsync(IPAddress.Loopback, b.Port); return b; }
            catch (SocketException) { await Task.Delay(50); }
        }
        await b.DisposeAsync();
        throw new TimeoutException($"mosquitto did not listen on {b.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }
}
