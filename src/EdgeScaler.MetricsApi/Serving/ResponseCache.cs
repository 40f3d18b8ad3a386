namespace EdgeScaler.MetricsApi.Serving;

using System.Collections.Concurrent;

/// <summary>
/// Rendered list bodies, reused while the cluster view hands out the same snapshot and the wall-clock second
/// (which creationTimestamp shows) has not changed. Many clients asking the same question (HPA, kubectl top,
/// dashboards) then cost one serialization per second, not one per request. Bounded: cleared when full.
/// </summary>
internal sealed class ResponseCache(int capacity = 256)
{
    private sealed record Entry(object Source, long Second, byte[] Body);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public byte[] GetOrRender(string key, object source, long second, Func<byte[]> render)
    {
        if (_entries.TryGetValue(key, out var e) && ReferenceEquals(e.Source, source) && e.Second == second) return e.Body;
        var body = render();
        if (_entries.Count >= capacity) _entries.Clear();
        _entries[key] = new Entry(source, second, body);
        return body;
    }
}
