namespace EdgeScaler.Telemetry.Discovery;

using System.Text.Json;
using EdgeScaler.Telemetry.Payloads;
using Microsoft.Extensions.Logging;

/// <summary>The persisted list of discovery config topics this node has published.</summary>
public sealed class DiscoveryLedgerFile
{
    public List<string> Topics { get; set; } = [];
}

/// <summary>
/// Remembers which discovery configs this node published, so turning discovery off can remove exactly those
/// (an empty retained payload deletes an entity) and nothing that belongs to someone else. Written temp-then-rename.
/// </summary>
public sealed class DiscoveryLedger(string path, ILogger logger)
{
    private readonly object _gate = new();

    public IReadOnlyList<string> Load()
    {
        lock (_gate)
        {
            if (!File.Exists(path)) return [];
            try
            {
                return JsonSerializer.Deserialize(File.ReadAllBytes(path), TelemetryJson.Default.DiscoveryLedgerFile)?.Topics ?? [];
            }
            catch (JsonException e)
            {
                logger.LogWarning("Home Assistant discovery ledger {Path} is unreadable ({Error}); nothing to remove", path, e.Message);
                return [];
            }
        }
    }

    public void Save(IEnumerable<string> topics)
    {
        lock (_gate)
        {
            var temp = path + ".tmp";
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new DiscoveryLedgerFile { Topics = [.. topics.Distinct().Order(StringComparer.Ordinal)] }, TelemetryJson.Default.DiscoveryLedgerFile);
            using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
    }

    public void Clear()
    {
        lock (_gate)
            if (File.Exists(path)) File.Delete(path);
    }
}
