namespace EdgeScaler.TestKit;

using System.Diagnostics;
using System.Text.Json;

/// <summary>One message as the real mosquitto_sub printed it.</summary>
public sealed record ReceivedMessage(bool Retain, int Qos, string Expiry, string Correlation, string Topic, string Payload)
{
    /// <summary>MQTT 5 user properties as mosquitto_sub prints them (`key:value`, space-separated).</summary>
    public string UserProperties { get; init; } = "";

    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

/// <summary>
/// A real `mosquitto_sub` (MQTT 5) printing retain|qos|expiry|correlation|user properties|topic|payload per line.
/// StartAsync returns once the broker acknowledged the subscription, so nothing published afterwards is missed.
/// With a client id it keeps a persistent session (-c) and picks up QoS 1/2 messages queued while it was away.
/// </summary>
public sealed class MosquittoSub : IAsyncDisposable
{
    private const string Format = "%r|%q|%E|%D|%P|%t|%p";
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(20);

    private readonly object _gate = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Process _process;
    private bool _disposed;
    private event Action? Changed;

    private MosquittoSub(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stderr.Add(e.Data); };
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _subscribed.TrySetException(new InvalidOperationException("mosquitto_sub exited"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<ReceivedMessage> Messages { get { lock (_gate) return [.. _messages]; } }

    public static Task<MosquittoSub> StartAsync(MosquittoBroker broker, string topic, MqttLogin? login = null, string? clientId = null, int qos = 1) =>
        StartAsync(broker.Port, topic, login, clientId, qos);

    /// <summary>Subscribes to <paramref name="topic"/> on 127.0.0.1:<paramref name="port"/>; anonymous without a login.</summary>
    public static async Task<MosquittoSub> StartAsync(int port, string topic, MqttLogin? login = null, string? clientId = null, int qos = 1)
    {
        var args = new List<string> { "-oL", ExternalTool.Find("mosquitto_sub", "mosquitto-clients"),
            "-h", "127.0.0.1", "-p", port.ToString(), "-V", "mqttv5", "-q", qos.ToString(), "-t", topic, "-F", Format, "-d" };
        if (login is not null) args.AddRange(["-u", login.User, "-P", login.Password]);
        // mosquitto 2.0.11 restoring a persisted session sends more QoS 2 messages in flight than the subscriber's Receive
        // Maximum (libmosquitto's default 20), which libmosquitto treats as a protocol error and quits; a large window avoids it.
        if (clientId is not null) args.AddRange(["-c", "-i", clientId, "-D", "connect", "receive-maximum", "65535"]);
        else args.AddRange(["-i", "sub-" + Guid.NewGuid().ToString("N")[..12]]);
        // stdbuf: mosquitto_sub's stdout is block-buffered on a pipe, which would hold back the SUBACK line.
        var sub = new MosquittoSub(ExternalTool.Start("stdbuf", "coreutils", args));
        try
        {
            await sub._subscribed.Task.WaitAsync(SubscribeTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await sub.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"mosquitto_sub on port {port}, topic {topic} got no SUBACK " +
                $"({(e is TimeoutException ? $"nothing in {SubscribeTimeout.TotalSeconds:0} s" : "it exited")}): {sub.Stderr(20)}");
        }
        return sub;
    }

    /// <summary>Waits until the messages seen so far satisfy <paramref name="done"/>; fails showing the last ones seen.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitUntilAsync(Func<IReadOnlyList<ReceivedMessage>, bool> done, string what, int timeoutSeconds = 30)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check() { if (done(Messages)) reached.TrySetResult(); }
        Changed += Check;
        try
        {
            Check();
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
            return Messages;
        }
        catch (TimeoutException)
        {
            var seen = Messages;
            throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; mosquitto_sub saw {seen.Count} messages, the last:\n" +
                string.Join('\n', seen.TakeLast(15).Select(m => $"  {m.Topic} r{(m.Retain ? 1 : 0)} {m.Payload}")) + $"\nstderr: {Stderr(5)}");
        }
        finally
        {
            Changed -= Check;
        }
    }

    /// <summary>Waits for the first message that matches and returns it.</summary>
    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, string what, int timeoutSeconds = 30) =>
        (await WaitUntilAsync(ms => ms.Any(match), what, timeoutSeconds)).First(match);

    private string Stderr(int lines)
    {
        lock (_gate) return string.Join('\n', _stderr.TakeLast(lines));
    }

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
        var message = new ReceivedMessage(parts[0] == "1", int.Parse(parts[1]), parts[2], parts[3], parts[5], parts[6]) { UserProperties = parts[4] };
        lock (_gate) _messages.Add(message);
        Changed?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
