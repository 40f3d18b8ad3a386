namespace EdgeScaler.Host.Systemd;

using System.Net.Sockets;
using System.Text;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram per state change to the socket systemd names in NOTIFY_SOCKET
/// (a path, or "@name" for an abstract socket). Does nothing when not run by systemd with Type=notify.
/// Microsoft.Extensions.Hosting.Systemd only ever sends READY=1 when the host has started and never WATCHDOG=1,
/// so the agent sends its own: READY=1 after the first sample, WATCHDOG=1 while its loops make progress.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SystemdNotifier(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket) || notifySocket[0] is not ('/' or '@')) return;
        // An abstract socket is written "@name" and addressed with a leading NUL byte.
        _endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public bool IsEnabled => _socket is not null;

    /// <summary>Sends newline-separated assignments such as "READY=1" or "STATUS=sampling"; false if not sent.</summary>
    public bool Notify(string state)
    {
        if (_socket is null) return false;
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endpoint!);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false; // systemd went away or we are shutting down: nothing useful to do about it
        }
    }

    public void Dispose() => _socket?.Dispose();
}
