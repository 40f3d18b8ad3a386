namespace EdgeScaler.MetricsApi.Serving;

using System.Collections.Concurrent;

/// <summary>
/// Rendered list bodies, reused while the cluster view hands out the same (immutable) snapshot and the wall-clock
/// second, which creationTimestamp shows, has not changed. Many clients asking the same question (HPA, kubectl top,
/// dashboards) then cost one serialization per second, not one per request; concurrent misses for one key wait
/// for a single render instead of each rendering the same megabyte. A body's gzip form is made on first demand and
/// kept with it. Bounded: cleared when full.
/// </summary>
internal sealed class ResponseCache<TKey>(int capacity = 256) where TKey : notnull, IEquatable<TKey>
{
    private sealed class Entry(object source, long second, Lazy<CachedBody> body)
    {
        public readonly object Source = source;
        public readonly long Second = second;
        public readonly Lazy<CachedBody> Body = body;

        public bool IsFor(object source, long second) => ReferenceEquals(Source, source) && Second == second;
    }

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    /// <summary>The body already rendered (or being rendered) for this key, source and second.</summary>
    public bool TryGet(TKey key, object source, long second, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedBody? body)
    {
        if (_entries.TryGetValue(key, out var e) && e.IsFor(source, second))
        {
            body = e.Body.Value;
            return true;
        }
        body = null;
        return false;
    }

    public CachedBody GetOrRender<TState>(TKey key, object source, long second, TState state, Func<TState, byte[]> render)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var e))
            {
                if (e.IsFor(source, second)) return e.Body.Value;
                var fresh = NewEntry();
                if (_entries.TryUpdate(key, fresh, e)) return fresh.Body.Value;
            }
            else
            {
                if (_entries.Count >= capacity) _entries.Clear();
                var fresh = NewEntry();
                if (_entries.TryAdd(key, fresh)) return fresh.Body.Value;
            }
        }

        Entry NewEntry() => new(source, second, new Lazy<CachedBody>(() => new CachedBody(render(state)), LazyThreadSafetyMode.ExecutionAndPublication));
    }
}

/// <summary>A rendered JSON body and, made once when first asked for, its gzip form.</summary>
internal sealed class CachedBody(byte[] json)
{
    private readonly Lazy<byte[]> _gzip = new(() => ResponseCompression.Gzip(json), LazyThreadSafetyMode.ExecutionAndPublication);

    public byte[] Json { get; } = json;

    public byte[] Gzip => _gzip.Value;
}
