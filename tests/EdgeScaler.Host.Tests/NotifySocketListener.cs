namespace EdgeScaler.Host.Tests;

using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// Plays systemd's side of sd_notify: a real Unix datagram socket (what NOTIFY_SOCKET names) that records every
/// state the service sends, e.g. "READY=1", "WATCHDOG=1", "STOPPING=1".
/// </summary>
public sealed class NotifySocketListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly BlockingCollection<string> _received = new();
    private readonly ConcurrentQueue<string> _all = new();
    private readonly Thread _reader;
    private readonly string _dir;

    /// <param name="abstractName">Bind an abstract socket ("@name", as systemd does in some setups) instead of a file.</param>
    public NotifySocketListener(bool abstractName = false)
    {
        _dir = Directory.CreateTempSubdirectory("es-notify-").FullName;
        if (abstractName)
        {
            var name = "es-notify-" + Guid.NewGuid().ToString("N");
            Path = "@" + name;
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        }
        else
        {
            Path = System.IO.Path.Combine(_dir, "notify.sock");
            _socket.Bind(new UnixDomainSocketEndPoint(Path));
        }
        _socket.ReceiveTimeout = 200; // lets the reader notice Dispose
        _reader = new Thread(Read) { IsBackground = true, Name = "notify-listener" };
        _reader.Start();
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Path { get; }

    /// <summary>Every assignment received so far, in order (a datagram "A=1\nB=2" counts as two).</summary>
    public IReadOnlyList<string> All => _all.ToArray();

    private void Read()
    {
        var buffer = new byte[4096];
        try
        {
            while (!_disposed)
            {
                int n;
                try { n = _socket.Receive(buffer); }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock) { continue; }
                foreach (var line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    _all.Enqueue(line);
                    _received.Add(line);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        _received.CompleteAdding();
    }

    /// <summary>Waits for <paramref name="state"/>, consuming everything received before it; false on timeout.</summary>
    public bool WaitFor(string state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_received.TryTake(out var line, left)) return false;
            if (line == state) return true;
        }
    }

    /// <summary>Discards what has been received so far; returns how many of them were <paramref name="state"/>.</summary>
    public int Drain(string state)
    {
        var n = 0;
        while (_received.TryTake(out var line)) if (line == state) n++;
        return n;
    }

    private volatile bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _reader.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
