namespace EdgeScaler.Scaler;

using System.Globalization;
using System.Threading.Channels;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Kubernetes.Events;
using EdgeScaler.Kubernetes.History;
using EdgeScaler.Kubernetes.Hpa;
using EdgeScaler.Kubernetes.Leader;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.Kubernetes.Scale;
using EdgeScaler.Scaler.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>
/// The HPA controller loop, kube-controller-manager's podautoscaler in our process: HPAs and pods come from
/// list+watch caches, metrics from the in-process cluster view, the decision from the pure algorithm plus
/// EdgeScaler's policy; then /scale, status and Events are written. Every HPA is reconciled each sync period and
/// at once when its spec or annotations change. Only the Lease holder writes; history lives in a ConfigMap so a
/// new leader continues the stabilization windows.
/// </summary>
public sealed partial class HpaController
{
    private readonly KubeRest _rest;
    private readonly ScalerOptions _options;
    private readonly IReadOnlyList<string> _namespaces;
    private readonly IClusterMetrics _metrics;
    private readonly IClusterThermal _thermal;
    private readonly HashSet<string> _warned = [];
    private readonly LeaseElector _elector;
    private readonly ApiHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ScaleClient _scales;
    private readonly HpaStatusWriter _statusWriter;
    private readonly EventRecorder _events;
    private readonly HistoryStore _historyStore;
    private readonly CustomMetricsClient _customMetrics;
    private readonly ScaleFightDetector _fights = new();
    private readonly List<Informer<V2HorizontalPodAutoscaler>> _hpaInformers = [];
    private readonly List<Informer<V1Pod>> _podInformers = [];
    private readonly Channel<HpaRef> _changed = Channel.CreateUnbounded<HpaRef>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<HpaRef, (long? Generation, int AnnotationsHash)> _seenSpecs = [];
    private readonly Dictionary<HpaRef, (string Uid, HpaHistory History)> _histories = [];
    private readonly SelectorRegistry _selectors = new();
    private readonly Dictionary<HpaRef, (UndecodableObject Object, bool EventRecorded)> _undecodable = [];
    private readonly PassContext _pass = new();
    private readonly List<V1Pod> _passPods = [];
    private readonly List<V1Pod> _matchedPods = []; // PrepareInput's buffer (passes never overlap)
    private readonly List<IReadOnlyDictionary<string, string>> _distinctLabels = []; // SelectingHpas' buffer
    private readonly Dictionary<HpaRef, (long ResourceVersion, string StatusJson)> _ourStatus = [];
    private readonly Dictionary<string, (string ResourceVersion, HpaObject Core)> _hpaCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string ResourceVersion, PodInfo Info)> _podCache = new(StringComparer.Ordinal);
    private readonly object _decisionsLock = new();
    private readonly Dictionary<HpaRef, ScaleDecision> _decisions = [];
    private readonly SemaphoreSlim _passLock = new(1, 1);
    private readonly TimeSpan _syncPeriod;
    private bool _historyLoaded;

    public HpaController(
        KubeRest rest,
        ScalerOptions options,
        IReadOnlyList<string> namespaces,
        IClusterMetrics metrics,
        IClusterThermal thermal,
        LeaseElector elector,
        ApiHealth health,
        EventRecorder events,
        TimeProvider time,
        ILoggerFactory logs)
    {
        _rest = rest;
        _options = options;
        _namespaces = namespaces;
        _metrics = metrics;
        _thermal = thermal;
        _elector = elector;
        _health = health;
        _time = time;
        _log = logs.CreateLogger<HpaController>();
        _scales = new ScaleClient(rest);
        _statusWriter = new HpaStatusWriter(rest);
        _events = events;
        _historyStore = new HistoryStore(rest, options.LeaderElection.LeaseNamespace, options.HistoryConfigMap, logs.CreateLogger<HistoryStore>());
        _customMetrics = new CustomMetricsClient(rest);
        Settings = new HpaSettings(options.Tolerance, options.CpuInitializationPeriodValue, options.InitialReadinessDelayValue, options.DownscaleStabilizationValue);
        _syncPeriod = options.SyncPeriodValue;

        var informerLog = logs.CreateLogger("EdgeScaler.Scaler.Informer");
        foreach (var ns in namespaces.Count == 0 ? [null] : namespaces.Cast<string?>())
        {
            var hpas = new Informer<V2HorizontalPodAutoscaler>(rest, KubePaths.Hpas(ns), health, time, informerLog);
            hpas.Changed += OnHpaChanged;
            hpas.Undecodable += OnHpaUndecodable;
            _hpaInformers.Add(hpas);
            _podInformers.Add(new Informer<V1Pod>(rest, KubePaths.Pods(ns), health, time, informerLog));
        }
        _elector.LeadershipChanged += leader =>
        {
            if (!leader) _historyLoaded = false; // a later term reloads what the other leader wrote
        };
    }

    public HpaSettings Settings { get; }

    /// <summary>The newest decision for every HPA (for telemetry, the panel and `status`).</summary>
    public IReadOnlyList<ScaleDecision> Decisions
    {
        get { lock (_decisionsLock) return [.. _decisions.Values]; }
    }

    /// <summary>Raised after each HPA's reconcile with its decision.</summary>
    public event Action<ScaleDecision>? Decided;

    /// <summary>Starts the caches, leader election and the sync loop; returns when cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var background = new List<Task> { StartCachesAsync(ct), _elector.RunAsync(ct) };
        try
        {
            await WaitForCachesAsync(ct).ConfigureAwait(false);
            var nextFullPass = _time.GetUtcNow();
            while (!ct.IsCancellationRequested)
            {
                var now = _time.GetUtcNow();
                if (now >= nextFullPass)
                {
                    await ReconcilePassAsync(null, ct).ConfigureAwait(false);
                    nextFullPass = now + _syncPeriod;
                    continue;
                }
                // Sleep until the next full pass, but wake for an HPA whose spec or annotations changed.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wake.CancelAfter(nextFullPass - now);
                try
                {
                    await _changed.Reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    continue;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct).ConfigureAwait(false); // gather a burst of edits
                var changed = new HashSet<HpaRef>();
                while (_changed.Reader.TryRead(out var hpa)) changed.Add(hpa);
                if (changed.Count > 0) await ReconcilePassAsync(changed, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await Task.WhenAll(background).ConfigureAwait(false);
    }

    /// <summary>Runs the HPA and pod list+watch caches until cancelled (RunAsync does this itself).</summary>
    public Task StartCachesAsync(CancellationToken ct) =>
        Task.WhenAll(_hpaInformers.Select(i => i.RunAsync(ct)).Concat(_podInformers.Select(i => i.RunAsync(ct))));

    /// <summary>The cached HPA (as the controller sees it), for tests and `status`.</summary>
    public V2HorizontalPodAutoscaler? CachedHpa(HpaRef hpa) =>
        _hpaInformers.Select(i => i.Get(hpa.Namespace, hpa.Name)).FirstOrDefault(h => h is not null);

    internal int CachedPodCount => _podInformers.Sum(i => i.Snapshot().Count);

    /// <summary>Completes when every HPA and pod cache has listed once.</summary>
    public async Task WaitForCachesAsync(CancellationToken ct)
    {
        foreach (var i in _hpaInformers) await i.WaitForSyncAsync(ct).ConfigureAwait(false);
        foreach (var i in _podInformers) await i.WaitForSyncAsync(ct).ConfigureAwait(false);
    }

    /// <summary>An HPA the informer left out because it does not decode: a Warning event on it at the next pass (by the leader).</summary>
    private void OnHpaUndecodable(UndecodableObject bad)
    {
        lock (_undecodable) _undecodable[new HpaRef(bad.Namespace, bad.Name)] = (bad, false);
    }

    private async Task ReportUndecodableAsync(CancellationToken ct)
    {
        List<UndecodableObject> due = [];
        lock (_undecodable)
            foreach (var (_, entry) in _undecodable)
                if (!entry.EventRecorded) due.Add(entry.Object);
        foreach (var bad in due)
        {
            var involved = new V1ObjectReference
            {
                Kind = "HorizontalPodAutoscaler",
                ApiVersion = "autoscaling/v2",
                Name = bad.Name,
                NamespaceProperty = bad.Namespace,
                Uid = bad.Uid,
                ResourceVersion = bad.ResourceVersion,
            };
            await _events.RecordAsync(involved, "Warning", InvalidSpecReason, $"the HPA could not be read, so it is not scaled: {bad.Error}", ct).ConfigureAwait(false);
            lock (_undecodable)
            {
                var key = new HpaRef(bad.Namespace, bad.Name);
                if (_undecodable.TryGetValue(key, out var entry) && ReferenceEquals(entry.Object, bad)) _undecodable[key] = (bad, true);
            }
        }
    }

    private void OnHpaChanged(WatchEventType type, V2HorizontalPodAutoscaler hpa)
    {
        var key = new HpaRef(hpa.Metadata.NamespaceProperty ?? "", hpa.Metadata.Name);
        if (type != WatchEventType.Deleted)
            lock (_undecodable) _undecodable.Remove(key); // it decodes again
        if (type == WatchEventType.Deleted)
        {
            lock (_seenSpecs) _seenSpecs.Remove(key);
            return;
        }
        // Our own status writes also arrive here; only spec (generation) or annotation edits trigger a reconcile.
        var annotations = hpa.Metadata.Annotations;
        var hash = 0;
        if (annotations is not null)
            foreach (var (k, v) in annotations) hash ^= HashCode.Combine(k, v);
        var fingerprint = (hpa.Metadata.Generation, hash);
        lock (_seenSpecs)
        {
            if (_seenSpecs.TryGetValue(key, out var seen) && seen == fingerprint) return;
            _seenSpecs[key] = fingerprint;
        }
        _changed.Writer.TryWrite(key);
    }

    /// <summary>
    /// One reconcile of every HPA (or only <paramref name="only"/>). Does nothing unless this agent holds the lease.
    /// Returns how many HPAs were reconciled.
    /// </summary>
    public async Task<int> ReconcilePassAsync(IReadOnlySet<HpaRef>? only, CancellationToken ct)
    {
        if (!_elector.HoldsLease) return 0;
        await _passLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_historyLoaded) await LoadHistoryAsync(ct).ConfigureAwait(false);
            await ReportUndecodableAsync(ct).ConfigureAwait(false);
            _passPods.Clear();
            foreach (var informer in _podInformers) informer.CopyTo(_passPods);
            var pass = _pass;
            pass.Reset(_metrics, _passPods);
            var count = 0;
            foreach (var informer in _hpaInformers)
            {
                foreach (var hpa in informer.Snapshot())
                {
                    var key = new HpaRef(hpa.Metadata.NamespaceProperty ?? "", hpa.Metadata.Name);
                    if (only is not null && !only.Contains(key)) continue;
                    if (!_elector.HoldsLease) return count; // lost the lease mid-pass: stop writing at once
                    await ReconcileOneAsync(hpa, key, pass, ct).ConfigureAwait(false);
                    count++;
                }
            }
            if (only is null) ForgetDeleted();
            await SaveHistoryAsync(ct).ConfigureAwait(false);
            _health.ReportSuccess();
            return count;
        }
        catch (KubeUnreachableException e)
        {
            _health.ReportUnreachable(e); // says so once; the next pass retries
            return 0;
        }
        finally
        {
            // Keep the buffers' capacity, not the pods: deleted pods should not live on until the next pass.
            _passPods.Clear();
            _pass.Clear();
            _passLock.Release();
        }
    }

    private async Task LoadHistoryAsync(CancellationToken ct)
    {
        var stored = await _historyStore.LoadAsync(ct).ConfigureAwait(false);
        foreach (var (hpa, entry) in stored)
        {
            // The ConfigMap is the previous leader's memory; it wins over anything this agent remembers from an
            // older term of its own.
            _histories[hpa] = entry;
        }
        _historyLoaded = true;
        if (stored.Count > 0) _log.LogInformation("Loaded scaling history of {Count} HPA(s) from ConfigMap {Namespace}/{Name}", stored.Count, _options.LeaderElection.LeaseNamespace, _options.HistoryConfigMap);
    }

    private async Task SaveHistoryAsync(CancellationToken ct)
    {
        try
        {
            await _historyStore.SaveAsync(_histories, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            _log.LogWarning("Could not save scaling history to ConfigMap {Namespace}/{Name}: {Error}", _options.LeaderElection.LeaseNamespace, _options.HistoryConfigMap, e.ApiMessage);
        }
    }

    private void ForgetDeleted()
    {
        var live = new HashSet<HpaRef>();
        foreach (var informer in _hpaInformers)
            foreach (var hpa in informer.Snapshot()) live.Add(new HpaRef(hpa.Metadata.NamespaceProperty ?? "", hpa.Metadata.Name));
        foreach (var gone in _histories.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _histories.Remove(gone);
            _selectors.Remove(gone);
            _ourStatus.Remove(gone);
            _fights.Forget(gone);
            lock (_decisionsLock) _decisions.Remove(gone);
        }
    }

    private void Publish(ScaleDecision decision)
    {
        lock (_decisionsLock) _decisions[decision.Hpa] = decision;
        Decided?.Invoke(decision);
    }

}
