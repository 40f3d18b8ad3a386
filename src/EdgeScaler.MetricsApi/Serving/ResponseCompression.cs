namespace EdgeScaler.MetricsApi.Serving;

using System.IO.Compression;

/// <summary>
/// gzip for large answers, as genericapiserver (and so metrics-server) does it: only when the client accepts gzip
/// and the body is over 128 KiB, at the fastest level (upstream uses level 1: nearly the same ratio for far less
/// CPU). A 1,000-pod list shrinks about tenfold, which saves more TLS and network work than compressing costs,
/// and the compressed form is made once per cached body, not per request.
/// </summary>
internal static class ResponseCompression
{
    public const int ThresholdBytes = 128 * 1024;

    /// <summary>True when <c>Accept-Encoding</c> names gzip (not with <c>q=0</c>). Like upstream, <c>*</c> is not taken as gzip.</summary>
    public static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding)) return false;
        foreach (var range in acceptEncoding.AsSpan().Split(','))
        {
            var item = acceptEncoding.AsSpan()[range].Trim();
            var semicolon = item.IndexOf(';');
            var coding = (semicolon < 0 ? item : item[..semicolon]).Trim();
            if (!coding.Equals("gzip", StringComparison.OrdinalIgnoreCase)) continue;
            if (semicolon >= 0 && IsQualityZero(item[(semicolon + 1)..])) continue;
            return true;
        }
        return false;
    }

    private static bool IsQualityZero(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var p = parameters[range].Trim();
            if (p.Length < 2 || (p[0] is not ('q' or 'Q')) || p[1] != '=') continue;
            return double.TryParse(p[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q) && q <= 0;
        }
        return false;
    }

    public static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream(body.Length / 6);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(body);
        return output.ToArray();
    }
}
