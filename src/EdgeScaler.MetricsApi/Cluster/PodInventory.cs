namespace EdgeScaler.MetricsApi.Cluster;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

/// <summary>
/// The pods on this node by UID, kept current the way an informer does: one list, then a watch from its
/// resourceVersion (resumed after the server closes it, bookmarks keep the version fresh); a full relist only
/// when the version expired (410) or a cgroup shows a pod UID the map does not know (debounced). API outages
/// keep the last known map and retry with backoff.
/// </summary>
public sealed class PodInventory : IAsyncDisposable
{
    private readonly IPodSource _source;
    private readonly string _nodeName;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly TimeSpan _relistDebounce;
    private readonly ConcurrentDictionary<string, PodIdentity> _pods = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _relistWanted = new(0, 1);
    private Task? _loop;
    private string _resourceVersion = "";
    private long _lastRelistTicks;
    private long _lists, _watchEvents, _watchStarts;

    public PodInventory(IPodSource source, string nodeName, ILogger log, TimeProvider? time = null, TimeSpan? relistDebounce = null)
    {
        _source = source;
        _nodeName = nodeName;
        _log = log;
        _time = time ?? TimeProvider.System;
        _relistDebounce = relistDebounce ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>True once the first list succeeded.</summary>
    public bool Synced { get; private set; }

    public IReadOnlyDictionary<string, string> NodeLabels { get; private set; } = new Dictionary<string, string>();

    public long Lists => Interlocked.Read(ref _lists);
    public long WatchEvents => Interlocked.Read(ref _watchEvents);
    public long WatchStarts => Interlocked.Read(ref _watchStarts);
    public int Count => _pods.Count;

    /// <summary>Raised after the map changed (list or watch event).</summary>
    public event Action? Changed;

    public bool TryGet(string uid, out PodIdentity pod) => _pods.TryGetValue(uid, out pod!);

    /// <summary>Starts listing and watching in the background; the first list is awaited up to <paramref name="firstListTimeout"/>.</summary>
    public async Task StartAsync(TimeSpan firstListTimeout, CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        var deadline = _time.GetUtcNow() + firstListTimeout;
        while (!Synced && _time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested && !_loop.IsCompleted)
            await Task.Delay(20, cancellationToken);
    }

    /// <summary>A cgroup holds a pod UID the map does not know: relist soon (at most once per debounce period).</summary>
    public void NoteUnknownPod(string uid)
    {
        if (_pods.ContainsKey(uid)) return;
        var since = _time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastRelistTicks);
        if (since < _relistDebounce.Ticks) return;
        if (_relistWanted.CurrentCount == 0)
        {
            try { _relistWanted.Release(); } catch (SemaphoreFullException) { }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        var needList = true;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (needList || _relistWanted.Wait(0))
                {
                    await ListAsync(ct);
                    needList = false;
                }
                using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var relistSignal = _relistWanted.WaitAsync(watchStop.Token);
                var watch = WatchAsync(watchStop.Token);
                var first = await Task.WhenAny(watch, relistSignal);
                if (first == relistSignal && !relistSignal.IsCanceled)
                {
                    needList = true;
                    await watchStop.CancelAsync();
                    try { await watch; } catch (OperationCanceledException) { }
                }
                else
                {
                    await watchStop.CancelAsync();
                    try { await relistSignal; needList = true; } catch (OperationCanceledException) { }
                    await watch; // rethrows watch failures
                }
                backoff = TimeSpan.FromMilliseconds(500);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (ResourceVersionExpiredException)
            {
                _log.LogInformation("pod watch resourceVersion expired; listing pods on {Node} again", _nodeName);
                needList = true;
            }
            catch (Exception e)
            {
                _log.LogWarning("pod inventory for {Node}: {Error}; retrying in {Delay}", _nodeName, e.Message, backoff);
                try { await Task.Delay(backoff, _time, ct); } catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                if (!Synced) needList = true;
            }
        }
    }

    private async Task ListAsync(CancellationToken ct)
    {
        Interlocked.Exchange(ref _lastRelistTicks, _time.GetUtcNow().UtcTicks);
        var (pods, rv) = await _source.ListAsync(_nodeName, ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in pods) { _pods[p.Ref.Uid] = p; seen.Add(p.Ref.Uid); }
        foreach (var uid in _pods.Keys) if (!seen.Contains(uid)) _pods.TryRemove(uid, out _);
        _resourceVersion = rv;
        NodeLabels = await _source.NodeLabelsAsync(_nodeName, ct);
        Interlocked.Increment(ref _lists);
        Synced = true;
        Changed?.Invoke();
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _watchStarts);
        await foreach (var e in _source.WatchAsync(_nodeName, _resourceVersion, ct))
        {
            if (e.ResourceVersion is { Length: > 0 } rv) _resourceVersion = rv;
            if (e.Pod is not { } pod) continue;
            if (e.Type == PodEventType.Deleted) _pods.TryRemove(pod.Ref.Uid, out _);
            else _pods[pod.Ref.Uid] = pod;
            Interlocked.Increment(ref _watchEvents);
            Changed?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) { try { await _loop; } catch (OperationCanceledException) { } }
        _stop.Dispose();
        _relistWanted.Dispose();
    }
}
