namespace EdgeScaler.TestKit;

using System.Net;
using System.Net.Sockets;

/// <summary>Loopback TCP ports for servers the tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on right now (the kernel's pick for 127.0.0.1:0; free until someone binds it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Blocks until a server accepts on 127.0.0.1:<paramref name="port"/>; <paramref name="gaveUp"/> returns why not
    /// (the server exited, say) to stop waiting early. Fails after 10 s.
    /// </summary>
    public static void WaitUntilAccepting(int port, Func<string?> gaveUp)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (gaveUp() is { } why) throw new InvalidOperationException($"nothing will listen on {port}: {why}");
            if (AcceptsAsync(port).GetAwaiter().GetResult()) return;
            Thread.Sleep(25);
        }
        throw new TimeoutException($"nothing listened on {port} within 10 s");
    }

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
