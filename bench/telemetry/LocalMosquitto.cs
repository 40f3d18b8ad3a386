namespace EdgeScaler.Telemetry.Benchmarks;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>A throwaway mosquitto on a free loopback port (anonymous, no persistence), killed on dispose.</summary>
internal sealed class LocalMosquitto : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    public LocalMosquitto()
    {
        _dir = Directory.CreateTempSubdirectory("es-bench-mosquitto-").FullName;
        Port = FreePort();
        var conf = Path.Combine(_dir, "mosquitto.conf");
        File.WriteAllText(conf, $"listener {Port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\nuser {Environment.UserName}\n");
        _process = Process.Start(new ProcessStartInfo("mosquitto", ["-c", conf]) { RedirectStandardError = true, UseShellExecute = false })!;
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, Port); break; }
            catch (SocketException) when (DateTime.UtcNow < deadline) { Thread.Sleep(50); }
        }
    }

    public int Port { get; }

    public void Dispose()
    {
        if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(); }
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>Counts the bytes a client sends to the broker and receives back (the real wire, TCP payload only).</summary>
internal sealed class CountingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private long _up, _down;

    public CountingProxy(int target)
    {
        _target = target;
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public long Up => Interlocked.Read(ref _up);
    public long Down => Interlocked.Read(ref _down);

    public void Reset() { Interlocked.Exchange(ref _up, 0); Interlocked.Exchange(ref _down, 0); }

    private async Task AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(); }
            catch (Exception) { return; }
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await upstream.ConnectAsync(IPAddress.Loopback, _target);
            client.NoDelay = true;
            _ = Pump(client, upstream, up: true);
            _ = Pump(upstream, client, up: false);
        }
    }

    private async Task Pump(Socket from, Socket to, bool up)
    {
        var buffer = new byte[65536];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer)) > 0)
            {
                Interlocked.Add(ref up ? ref _up : ref _down, n);
                await to.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        try { to.Shutdown(SocketShutdown.Send); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose() => _listener.Stop();
}
