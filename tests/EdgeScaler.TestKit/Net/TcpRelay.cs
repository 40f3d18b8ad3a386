namespace EdgeScaler.TestKit;

using System.Net;
using System.Net.Sockets;

/// <summary>
/// A loopback TCP relay in front of a server (a broker, say): counts the payload bytes each way, and
/// <see cref="CutAll"/> resets every open connection as a pulled cable or a crashed client would look to the server
/// (no goodbye packet: an MQTT broker publishes the Will).
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Client, Socket Upstream)> _pairs = [];
    private readonly Task _accept;
    private long _bytesUp, _bytesDown;

    public TcpRelay(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accept = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Payload bytes clients sent to the server.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    /// <summary>Payload bytes the server sent back.</summary>
    public long BytesDown => Interlocked.Read(ref _bytesDown);

    /// <summary>While true, bytes from clients are swallowed (a one-way outage): e.g. a PUBACK the server never gets.</summary>
    public volatile bool DropUp;

    public void ResetCounts()
    {
        Interlocked.Exchange(ref _bytesUp, 0);
        Interlocked.Exchange(ref _bytesDown, 0);
    }

    public void CutAll()
    {
        lock (_pairs)
        {
            foreach (var (client, upstream) in _pairs)
            {
                client.Close(0);
                upstream.Close(0);
            }
            _pairs.Clear();
        }
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try { await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token); }
                catch (SocketException) { client.Close(0); upstream.Dispose(); continue; }
                client.NoDelay = true;
                lock (_pairs) _pairs.Add((client, upstream));
                _ = Pump(client, upstream, up: true);
                _ = Pump(upstream, client, up: false);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    private async Task Pump(Socket from, Socket to, bool up)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                if (up && DropUp) continue;
                Interlocked.Add(ref up ? ref _bytesUp : ref _bytesDown, n);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException) { }
        try { to.Shutdown(SocketShutdown.Send); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try { await _accept; } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _stop.Dispose();
    }
}
