namespace EdgeScaler.MetricsApi.Security;

using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

/// <summary>
/// The front-proxy and client-CA settings kube-apiserver publishes in
/// <c>kube-system/extension-apiserver-authentication</c>: CA bundles as PEM, header names and allowed CNs as
/// JSON-encoded string arrays. Parsing is pure; a malformed entry is reported, never half-applied.
/// </summary>
public sealed class RequestHeaderConfig
{
    public const string ConfigMapNamespace = "kube-system";
    public const string ConfigMapName = "extension-apiserver-authentication";

    public X509Certificate2Collection RequestHeaderCAs { get; init; } = [];
    public IReadOnlyList<string> AllowedNames { get; init; } = [];
    public IReadOnlyList<string> UsernameHeaders { get; init; } = ["X-Remote-User"];
    public IReadOnlyList<string> UidHeaders { get; init; } = [];
    public IReadOnlyList<string> GroupHeaders { get; init; } = ["X-Remote-Group"];
    public IReadOnlyList<string> ExtraHeaderPrefixes { get; init; } = ["X-Remote-Extra-"];
    public X509Certificate2Collection ClientCAs { get; init; } = [];

    /// <summary>Fingerprint of the contents, to notice a change.</summary>
    public string Fingerprint { get; init; } = "";

    public static readonly RequestHeaderConfig Empty = new();

    /// <exception cref="FormatException">A key holds something that is not PEM or not a JSON string array.</exception>
    public static RequestHeaderConfig Parse(IReadOnlyDictionary<string, string> data)
    {
        X509Certificate2Collection Pem(string key)
        {
            var c = new X509Certificate2Collection();
            if (!data.TryGetValue(key, out var pem) || string.IsNullOrWhiteSpace(pem)) return c;
            try { c.ImportFromPem(pem); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new FormatException($"{ConfigMapName}: {key} is not a PEM certificate bundle: {e.Message}", e);
            }
            if (c.Count == 0) throw new FormatException($"{ConfigMapName}: {key} holds no certificate");
            return c;
        }

        IReadOnlyList<string>? Strings(string key)
        {
            if (!data.TryGetValue(key, out var json) || string.IsNullOrWhiteSpace(json)) return null;
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new FormatException($"{ConfigMapName}: {key} is not a JSON array");
                return doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"{ConfigMapName}: {key} holds a non-string")).ToList();
            }
            catch (JsonException e) { throw new FormatException($"{ConfigMapName}: {key} is not a JSON string array: {e.Message}", e); }
        }

        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join("\n", data.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)))));
        return new RequestHeaderConfig
        {
            RequestHeaderCAs = Pem("requestheader-client-ca-file"),
            ClientCAs = Pem("client-ca-file"),
            AllowedNames = Strings("requestheader-allowed-names") ?? [],
            UsernameHeaders = Strings("requestheader-username-headers") ?? ["X-Remote-User"],
            UidHeaders = Strings("requestheader-uid-headers") ?? [],
            GroupHeaders = Strings("requestheader-group-headers") ?? ["X-Remote-Group"],
            ExtraHeaderPrefixes = Strings("requestheader-extra-headers-prefix") ?? ["X-Remote-Extra-"],
            Fingerprint = fingerprint,
        };
    }
}
