namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using System.Net;
using System.Net.Sockets;

/// <summary>
/// A loopback TCP relay between the agent and the broker. <see cref="CutAll"/> resets every open connection, as a
/// pulled cable or a crashed agent would look to the broker: no DISCONNECT packet, so the broker publishes the Will.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket A, Socket B)> _pairs = [];
    private readonly Task _accept;

    public TcpProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accept = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long BytesToBroker => Interlocked.Read(ref _bytesToBroker);

    /// <summary>While true, bytes from the agent are swallowed (a one-way outage): e.g. a PUBACK the broker never gets.</summary>
    public volatile bool DropToBroker;

    private long _bytesToBroker;

    public void CutAll()
    {
        lock (_pairs)
        {
            foreach (var (a, b) in _pairs)
            {
                a.Close(0);
                b.Close(0);
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
                _ = Pump(client, upstream, toBroker: true);
                _ = Pump(upstream, client, toBroker: false);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task Pump(Socket from, Socket to, bool toBroker)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                if (toBroker && DropToBroker) continue;
                if (toBroker) Interlocked.Add(ref _bytesToBroker, n);
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
