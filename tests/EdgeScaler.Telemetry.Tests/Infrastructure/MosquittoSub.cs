namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using System.Diagnostics;

/// <summary>One message as mosquitto_sub printed it.</summary>
public sealed record Received(bool Retain, int Qos, string Expiry, string Correlation, string Topic, string Payload)
{
    /// <summary>MQTT 5 user properties as mosquitto_sub prints them (`key:value`, space-separated).</summary>
    public string UserProperties { get; init; } = "";
}

/// <summary>
/// A real `mosquitto_sub` (MQTT 5) printing retain|qos|expiry|correlation|user properties|topic|payload per line.
/// With a client id it uses a persistent session (-c), so it picks up QoS 1/2 messages queued while it was away.
/// </summary>
public sealed class MosquittoSub : IAsyncDisposable
{
    private const string Format = "%r|%q|%E|%D|%P|%t|%p";
    private readonly object _gate = new();
    private readonly List<Received> _messages = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Process _process;
    private readonly List<string> _stderr = [];
    private event Action? Changed;

    private MosquittoSub(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts mosquitto_sub and waits until the broker acknowledged the subscription.</summary>
    public static Task<MosquittoSub> StartAsync(Mosquitto broker, string topic, (string User, string Password)? user = null, string? clientId = null, int qos = 1) =>
        StartAsync(broker.Port, topic, user, clientId, qos);

    public static async Task<MosquittoSub> StartAsync(int port, string topic, (string User, string Password)? user = null, string? clientId = null, int qos = 1)
    {
        var (u, p) = user ?? Mosquitto.Viewer;
        var args = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(), "-u", u, "-P", p, "-V", "mqttv5", "-q", qos.ToString(), "-t", topic, "-F", Format, "-d" };
        // mosquitto 2.0.11 restoring a persisted session sends more QoS 2 messages in flight than the subscriber's Receive
        // Maximum (libmosquitto's default 20), which libmosquitto treats as a protocol error and quits; a large window avoids it.
        if (clientId is not null) args.AddRange(["-c", "-i", clientId, "-D", "connect", "receive-maximum", "65535"]);
        else args.AddRange(["-i", "sub-" + Guid.NewGuid().ToString("N")[..12]]);
        // stdbuf: mosquitto_sub's stdout is block-buffered on a pipe, which would hold back the SUBACK line.
        args.InsertRange(0, ["-oL", "mosquitto_sub"]);
        var psi = new ProcessStartInfo("stdbuf", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var sub = new MosquittoSub(Process.Start(psi)!);
        try
        {
            await sub._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            await sub.DisposeAsync();
            string err;
            lock (sub._gate) err = string.Join('\n', sub._stderr);
            throw new Xunit.Sdk.XunitException($"mosquitto_sub on {topic} got no SUBACK within 15 s: {err}");
        }
        return sub;
    }

    public IReadOnlyList<Received> Messages { get { lock (_gate) return [.. _messages]; } }

    /// <summary>Waits until the messages seen so far satisfy <paramref name="done"/>; fails with what was seen.</summary>
    public async Task<IReadOnlyList<Received>> WaitUntilAsync(Func<IReadOnlyList<Received>, bool> done, string what, int timeoutSeconds = 20)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check() { if (done(Messages)) tcs.TrySetResult(); }
        Changed += Check;
        try
        {
            Check();
            await tcs.Task.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
            return Messages;
        }
        catch (TimeoutException)
        {
            string err;
            lock (_gate) err = string.Join('\n', _stderr.TakeLast(5));
            throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; mosquitto_sub saw {Messages.Count} messages:\n" +
                string.Join('\n', Messages.TakeLast(15).Select(m => $"  {m.Topic} r{(m.Retain ? 1 : 0)} {m.Payload}")) + $"\nstderr: {err}");
        }
        finally
        {
            Changed -= Check;
        }
    }

    public async Task<Received> WaitForAsync(Func<Received, bool> match, string what, int timeoutSeconds = 20) =>
        (await WaitUntilAsync(ms => ms.Any(match), what, timeoutSeconds)).First(match);

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.StartsWith("Client ", StringComparison.Ordinal))
        {
            if (line.Contains("received SUBACK", StringComparison.Ordinal)) _subscribed.TrySetResult();
            return;
        }
        var parts = line.Split('|', 7);
        if (parts.Length < 7 || parts[0] is not ("0" or "1")) return;
        lock (_gate) _messages.Add(new Received(parts[0] == "1", int.Parse(parts[1]), parts[2], parts[3], parts[5], parts[6]) { UserProperties = parts[4] });
        Changed?.Invoke();
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
