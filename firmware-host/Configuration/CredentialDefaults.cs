namespace EdgeScaler.Host.Configuration;

using System.Text.Json.Nodes;

/// <summary>
/// systemd's `LoadCredential=` hands the unit its secrets as files in `$CREDENTIALS_DIRECTORY` (deploy/systemd): a
/// non-empty `kubeconfig`, `mqtt-password`, `tls.crt` + `tls.key` there fills the matching setting when the config
/// leaves it unset, so secrets never sit in the config file or the environment. Empty files are the installer's
/// "not configured" placeholders (a missing LoadCredential= source would stop the unit) and are ignored.
/// Applied to the JSON before environment overrides, so the file's own values and EDGESCALER__* variables win.
/// </summary>
public static class CredentialDefaults
{
    public const string Variable = "CREDENTIALS_DIRECTORY";

    private static readonly (string Section, string Key, string File)[] Singles =
    [
        ("kubernetes", "kubeconfig", "kubeconfig"),
        ("mqtt", "passwordFile", "mqtt-password"),
    ];

    public static void Apply(JsonObject root, string? credentialsDirectory)
    {
        if (string.IsNullOrEmpty(credentialsDirectory)) return;
        string? Credential(string name)
        {
            var path = Path.Combine(credentialsDirectory, name);
            try { return new FileInfo(path) is { Exists: true, Length: > 0 } ? path : null; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }

        foreach (var (section, key, file) in Singles)
            if (Credential(file) is { } path && IsUnset(Section(root, section), key) && Section(root, section, create: true) is { } target)
                target[key] = path;

        // A serving certificate only as a pair, and only when the config names neither half.
        if (Credential("tls.crt") is { } cert && Credential("tls.key") is { } keyFile
            && IsUnset(Section(root, "metricsApi"), "tlsCertFile") && IsUnset(Section(root, "metricsApi"), "tlsKeyFile")
            && Section(root, "metricsApi", create: true) is { } api)
        {
            api["tlsCertFile"] = cert;
            api["tlsKeyFile"] = keyFile;
        }
    }

    /// <summary>
    /// A section found case-insensitively, as the binder matches it; null when absent (created with
    /// <paramref name="create"/>) or not an object (left for the shape check to report).
    /// </summary>
    private static JsonObject? Section(JsonObject root, string name, bool create = false)
    {
        foreach (var (k, v) in root)
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) return v as JsonObject;
        if (!create) return null;
        var created = new JsonObject();
        root[name] = created;
        return created;
    }

    private static bool IsUnset(JsonObject? section, string key)
    {
        if (section is null) return true;
        foreach (var (k, v) in section)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                return v is null || (v is JsonValue value && value.TryGetValue<string>(out var s) && s.Length == 0);
        return true;
    }
}
