namespace EdgeScaler.Simulation;

using System.Net;

/// <summary>Parsing of the addresses `simulate` accepts, with the reason when one is refused.</summary>
public static class SimulationAddresses
{
    /// <summary>"127.0.0.1:PORT", "[::1]:PORT" or "localhost:PORT"; the simulation serves anonymously, so only loopback.</summary>
    public static bool TryParseLoopback(string text, out IPEndPoint endpoint, out string why)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        why = "";
        var s = text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + text[9..] : text;
        if (!IPEndPoint.TryParse(s, out var ep) || ep.Port is < 0 or > 65535 || !s.Contains(':'))
        { why = $"expected 127.0.0.1:PORT, got '{text}'"; return false; }
        if (!IPAddress.IsLoopback(ep.Address))
        { why = $"'{text}' is not a loopback address; the simulated metrics API allows anonymous access, so it only listens on 127.0.0.1 or ::1"; return false; }
        endpoint = ep;
        return true;
    }

    /// <summary>"mqtt://host:port" (port defaults to 1883).</summary>
    public static bool TryParseMqtt(string text, out string host, out int port, out string why)
    {
        host = ""; port = 1883; why = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "mqtt" || string.IsNullOrEmpty(uri.Host))
        { why = $"expected mqtt://host:port, got '{text}'"; return false; }
        host = uri.Host;
        port = uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port;
        return true;
    }
}
