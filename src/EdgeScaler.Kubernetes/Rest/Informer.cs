namespace EdgeScaler.Kubernetes.Rest;

using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>
/// A list+watch cache of one resource in one namespace (or all), like client-go's informer: list, then watch from
/// the list's resourceVersion, resume the watch where it ended, relist on 410 Expired, back off while the API is
/// unreachable. <see cref="Changed"/> fires for every add/update/delete (also the ones a relist reveals).
/// An object that does not decode is left out of the cache (as if deleted: its current state cannot be read) with one
/// warning per version and <see cref="Undecodable"/>; the other objects are unaffected.
/// </summary>
public sealed class Informer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly KubeRest _rest;
    private readonly string _collection;
    private readonly ApiHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private Dictionary<(string Ns, string Name), T> _items = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Informer(KubeRest rest, string collectionPath, ApiHealth health, TimeProvider time, ILogger log)
    {
        _rest = rest;
        _collection = collectionPath;
        _health = health;
        _time = time;
        _log = log;
    }

    /// <summary>Server-side watch timeout; the watch is then resumed from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    public event Action<WatchEventType, T>? Changed;

    /// <summary>An object was left out because it does not decode (raised once per object version).</summary>
    public event Action<UndecodableObject>? Undecodable;

    private readonly Dictionary<(string Ns, string Name), string?> _reported = [];

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>Completes after the first successful list.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock) return [.. _items.Values];
    }

    /// <summary>Appends every cached object to <paramref name="into"/> (a reader's reused buffer; no snapshot array).</summary>
    public void CopyTo(List<T> into)
    {
        lock (_lock) into.AddRange(_items.Values);
    }

    public T? Get(string ns, string name)
    {
        lock (_lock) return _items.GetValueOrDefault((ns, name));
    }

    public async Task RunAsync(CancellationToken ct)
    {
        string? resourceVersion = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await _rest.ListAsync<T>(_collection, ct).ConfigureAwait(false);
                    resourceVersion = list.ResourceVersion;
                    Replace(list.Items, list.Undecodable);
                    _health.ReportSuccess();
                    _synced.TrySetResult();
                }
                await foreach (var e in _rest.WatchAsync<T>(_collection, resourceVersion, WatchTimeoutSeconds, ct).ConfigureAwait(false))
                {
                    _health.ReportSuccess();
                    if (e.ResourceVersion is not null) resourceVersion = e.ResourceVersion;
                    if (e.Undecodable is { } bad) LeaveOut(e.Type, bad);
                    else if (e.Object is { } obj) Apply(e.Type, obj);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.Status == System.Net.HttpStatusCode.Gone)
            {
                resourceVersion = null; // history compacted: relist
            }
            catch (KubeApiException e)
            {
                _log.LogWarning("Listing {Collection} failed: {Error}", _collection, e.Message);
                await DelayAsync(_health.NextBackoff(), ct).ConfigureAwait(false);
            }
            catch (KubeUnreachableException e)
            {
                _health.ReportUnreachable(e);
                resourceVersion = null; // relist once it is back: events during the outage may be past the history
                await DelayAsync(_health.NextBackoff(), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, _time, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private static (string, string) KeyOf(T obj) => (obj.Metadata?.NamespaceProperty ?? "", obj.Metadata?.Name ?? "");

    private void Replace(IReadOnlyList<T> items, IReadOnlyList<UndecodableObject> undecodable)
    {
        foreach (var bad in undecodable) Report(bad);
        var next = new Dictionary<(string, string), T>(items.Count);
        foreach (var item in items) next[KeyOf(item)] = item;
        List<(WatchEventType, T)> changes = [];
        lock (_lock)
        {
            foreach (var (key, old) in _items)
                if (!next.ContainsKey(key)) changes.Add((WatchEventType.Deleted, old));
            foreach (var (key, item) in next)
            {
                if (!_items.TryGetValue(key, out var old)) changes.Add((WatchEventType.Added, item));
                else if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion) changes.Add((WatchEventType.Modified, item));
            }
            _items = next;
            foreach (var key in next.Keys) _reported.Remove(key); // decodes again: a later failure is news
        }
        foreach (var (type, item) in changes) Changed?.Invoke(type, item);
    }

    private void Apply(WatchEventType type, T obj)
    {
        lock (_lock)
        {
            if (type == WatchEventType.Deleted) _items.Remove(KeyOf(obj));
            else _items[KeyOf(obj)] = obj;
            _reported.Remove(KeyOf(obj));
        }
        Changed?.Invoke(type, obj);
    }

    /// <summary>A watched object no longer decodes: out of the cache (its current state is unknown), reported once.</summary>
    private void LeaveOut(WatchEventType type, UndecodableObject bad)
    {
        T? old;
        lock (_lock)
        {
            _items.Remove((bad.Namespace, bad.Name), out old);
            if (type == WatchEventType.Deleted) _reported.Remove((bad.Namespace, bad.Name));
        }
        if (type != WatchEventType.Deleted) Report(bad); // a deleted object is gone either way
        if (old is not null) Changed?.Invoke(WatchEventType.Deleted, old);
    }

    private void Report(UndecodableObject bad)
    {
        lock (_lock)
        {
            if (_reported.TryGetValue((bad.Namespace, bad.Name), out var rv) && rv == bad.ResourceVersion) return;
            _reported[(bad.Namespace, bad.Name)] = bad.ResourceVersion;
        }
        _log.LogWarning("Leaving out {Object} from {Collection}: it does not decode: {Error}", bad, _collection, bad.Error);
        Undecodable?.Invoke(bad);
    }
}
