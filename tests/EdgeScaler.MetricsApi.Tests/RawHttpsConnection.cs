namespace EdgeScaler.MetricsApi.Tests;

using System.Net.Security;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// One HTTP/1.1 connection over real TLS, written and read by hand: requests no HttpClient would send (oversized
/// lines, trickled headers), several requests on one kept-alive connection, and an exact view of how the server
/// ends the connection.
/// </summary>
public sealed class RawHttpsConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _ssl;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    private RawHttpsConnection(TcpClient tcp, SslStream ssl)
    {
        _tcp = tcp;
        _ssl = ssl;
    }

    public static async Task<RawHttpsConnection> OpenAsync(Uri server, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
            var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }, cancellationToken);
            return new RawHttpsConnection(tcp, ssl);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text, CancellationToken cancellationToken = default) =>
        _ssl.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

    /// <summary>A GET with the given extra header lines, kept alive.</summary>
    public Task SendGetAsync(string pathAndQuery, params string[] headers) =>
        SendAsync($"GET {pathAndQuery} HTTP/1.1\r\nHost: localhost\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n");

    /// <summary>Reads one response (status line, headers, Content-Length body); null when the server closed the connection first.</summary>
    public async Task<RawResponse?> ReadResponseAsync(CancellationToken cancellationToken = default)
    {
        var head = await ReadHeadAsync(cancellationToken);
        if (head is null) return null;
        var lines = head.Split("\r\n");
        var code = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        for (var read = 0; read < length;)
        {
            if (_start == _end && !await FillAsync(cancellationToken)) throw new IOException($"connection closed after {read} of {length} body bytes");
            var n = Math.Min(length - read, _end - _start);
            Array.Copy(_buffer, _start, body, read, n);
            _start += n;
            read += n;
        }
        return new RawResponse(code, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>True once the server has closed (or reset) the connection; waits for it.</summary>
    public async Task<bool> WaitForCloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await FillAsync(cancellationToken)) _start = _end;
            return true;
        }
        catch (IOException) { return true; }
    }

    private async Task<string?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        while (true)
        {
            while (_start < _end)
            {
                sb.Append((char)_buffer[_start++]);
                if (sb.Length >= 4 && sb[^1] == '\n' && sb[^2] == '\r' && sb[^3] == '\n' && sb[^4] == '\r') return sb.ToString(0, sb.Length - 4);
            }
            if (!await FillAsync(cancellationToken)) return sb.Length == 0 ? null : throw new IOException("connection closed inside the response head");
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _ssl.ReadAsync(_buffer, cancellationToken);
        return _end > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _ssl.DisposeAsync();
        _tcp.Dispose();
    }
}

public sealed record RawResponse(int Code, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public System.Text.Json.JsonDocument Json() => System.Text.Json.JsonDocument.Parse(Body);
}
