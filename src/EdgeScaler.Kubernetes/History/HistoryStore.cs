namespace EdgeScaler.Kubernetes.History;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Kubernetes.Rest;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>
/// Keeps every HPA's recommendation and scale-event history in one ConfigMap (next to the leader Lease), so a new
/// leader continues the stabilization windows and rate-limit periods where the old one stopped instead of starting
/// from nothing (upstream keeps them in memory and loses them on restart). One ConfigMap written at most once per
/// sync pass, rather than an annotation per HPA, keeps API writes at one per pass however many HPAs there are.
/// </summary>
public sealed class HistoryStore(KubeRest rest, string ns, string name, ILogger<HistoryStore> log)
{
    private Dictionary<string, string>? _lastWritten;

    public static string KeyOf(HpaRef hpa) => $"{hpa.Namespace}_{hpa.Name}";

    /// <summary>Loads all histories; entries that do not parse are skipped with one log line each.</summary>
    public async Task<Dictionary<HpaRef, (string Uid, HpaHistory History)>> LoadAsync(CancellationToken ct)
    {
        var result = new Dictionary<HpaRef, (string, HpaHistory)>();
        var cm = await rest.GetOrNullAsync<V1ConfigMap>(KubePaths.ConfigMap(ns, name), ct).ConfigureAwait(false);
        if (cm?.Data is null) { _lastWritten = cm is null ? null : []; return result; }
        foreach (var (key, value) in cm.Data)
        {
            var sep = key.IndexOf('_');
            var error = "key is not <namespace>_<name>";
            if (sep <= 0 || !HistoryCodec.TryParse(value, out var uid, out var history, out error))
            {
                log.LogWarning("History ConfigMap {Namespace}/{Name}: ignoring entry {Key}: {Error}", ns, name, key, error);
                continue;
            }
            result[new HpaRef(key[..sep], key[(sep + 1)..])] = (uid, history);
        }
        _lastWritten = new Dictionary<string, string>(cm.Data);
        return result;
    }

    /// <summary>Writes the histories when they differ from what was last written. Returns true when it wrote.</summary>
    public async Task<bool> SaveAsync(IEnumerable<KeyValuePair<HpaRef, (string Uid, HpaHistory History)>> histories, CancellationToken ct)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (hpa, (uid, history)) in histories)
            if (!history.IsEmpty) data[KeyOf(hpa)] = HistoryCodec.Format(uid, history);
        if (_lastWritten is not null && _lastWritten.Count == data.Count && _lastWritten.All(kv => data.TryGetValue(kv.Key, out var v) && v == kv.Value))
            return false;

        var path = KubePaths.ConfigMap(ns, name);
        var existing = await rest.GetOrNullAsync<V1ConfigMap>(path, ct).ConfigureAwait(false);
        if (existing is null)
        {
            await rest.CreateAsync(KubePaths.ConfigMaps(ns), new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = ns,
                    Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "edgescaler" },
                },
                Data = data,
            }, ct).ConfigureAwait(false);
        }
        else
        {
            existing.Data = data;
            await rest.ReplaceAsync(path, existing, ct).ConfigureAwait(false);
        }
        _lastWritten = data;
        return true;
    }
}
