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
