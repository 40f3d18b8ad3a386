namespace EdgeScaler.Kubernetes.Leader;

using EdgeScaler.Kubernetes.Rest;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>Timing of leader election, client-go's defaults (15s lease, 10s renew deadline, 2s retry).</summary>
public sealed record LeaseTimings(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod)
{
    public static readonly LeaseTimings Default = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
}

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, the way client-go's LeaderElector does it (which
/// KubernetesClient.Aot lacks): read the Lease; take it when it is free, expired or ours; write with the read
/// resourceVersion so two candidates can never both win (the loser gets 409). Expiry is judged by when *we* last
/// saw the record change, not by the holder's clock, so clock skew between boards does not matter.
/// <para>
/// <see cref="HoldsLease"/> is the guard every write to /scale checks: it is true only until
/// lastSuccessfulRenew + RenewDeadline, so a leader that cannot renew (API gone, partition) stops scaling within one
/// renew deadline even if its loop is stuck, and before any other candidate may take over (LeaseDuration &gt; RenewDeadline).
/// </para>
/// </summary>
public sealed class LeaseElector
{
    private readonly KubeRest _rest;
    private readonly string _namespace;
    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    private string? _observedRecord;         // holder|renewTime|transitions of the last record seen
    private DateTimeOffset _observedAt;      // local time we first saw _observedRecord
    private DateTimeOffset? _lastRenew;      // local time of our last successful acquire/renew

    public LeaseElector(KubeRest rest, string leaseNamespace, string leaseName, string identity, LeaseTimings timings, TimeProvider time, ILogger log)
    {
        if (timings.RenewDeadline >= timings.LeaseDuration) throw new ArgumentException("renewDeadline must be shorter than leaseDuration");
        if (timings.RetryPeriod >= timings.RenewDeadline) throw new ArgumentException("retryPeriod must be shorter than renewDeadline");
        _rest = rest;
        _namespace = leaseNamespace;
        _name = leaseName;
        Identity = identity;
        Timings = timings;
        _time = time;
        _log = log;
    }

    public string Identity { get; }
    public LeaseTimings Timings { get; }

    /// <summary>Who holds the lease as last observed (null when unknown or free).</summary>
    public string? ObservedHolder { get; private set; }

    /// <summary>True while our last successful renew is younger than the renew deadline.</summary>
    public bool HoldsLease => _lastRenew is { } t && _time.GetUtcNow() < t + Timings.RenewDeadline;

    /// <summary>Raised (on the elector's loop) when <see cref="HoldsLease"/> flips; true = became leader.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>
    /// One round: acquire or renew. Returns true when we hold the lease afterwards. Never throws for API problems
    /// (they count as a failed round); cancellation propagates.
    /// </summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        try
        {
            var lease = await _rest.GetOrNullAsync<V1Lease>(KubePaths.Lease(_namespace, _name), ct).ConfigureAwait(false);
            if (lease is null)
            {
                var created = new V1Lease
                {
                    ApiVersion = "coordination.k8s.io/v1",
                    Kind = "Lease",
                    Metadata = new V1ObjectMeta { Name = _name, NamespaceProperty = _namespace },
                    Spec = NewSpec(now, transitions: 0, acquireTime: now),
                };
                await _rest.CreateAsync(KubePaths.Leases(_namespace), created, ct).ConfigureAwait(false);
                return Succeeded(now, Identity);
            }

            var spec = lease.Spec ?? new V1LeaseSpec();
            var record = $"{spec.HolderIdentity}|{spec.RenewTime:O}|{spec.LeaseTransitions}";
            if (record != _observedRecord)
            {
                _observedRecord = record;
                _observedAt = now;
            }
            ObservedHolder = string.IsNullOrEmpty(spec.HolderIdentity) ? null : spec.HolderIdentity;
            var ours = spec.HolderIdentity == Identity;
            var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)Timings.LeaseDuration.TotalSeconds);
            if (!ours && ObservedHolder is not null && _observedAt + duration > now)
                return Failed();

            var transitions = spec.LeaseTransitions ?? 0;
            lease.Spec = ours
                ? NewSpec(now, transitions, spec.AcquireTime is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : now)
                : NewSpec(now, transitions + 1, now);
            await _rest.ReplaceAsync(KubePaths.Lease(_namespace, _name), lease, ct).ConfigureAwait(false);
            return Succeeded(now, Identity);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return Failed(); // someone else wrote the lease between our read and write: they won this round
        }
        catch (KubeApiException e)
        {
            _log.LogWarning("Lease {Namespace}/{Name}: {Error}", _namespace, _name, e.Message);
            return Failed();
        }
        catch (KubeUnreachableException)
        {
            return Failed();
        }
    }

    /// <summary>
    /// Runs election until cancelled: retry every RetryPeriod. On cancellation, releases the lease if held
    /// (client-go's ReleaseOnCancel) so a successor does not wait out the lease.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var was = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await TryAcquireOrRenewAsync(ct).ConfigureAwait(false);
                var holds = HoldsLease;
                if (holds != was)
                {
                    was = holds;
                    if (holds) _log.LogInformation("Leader election: {Identity} acquired lease {Namespace}/{Name}", Identity, _namespace, _name);
                    else _log.LogWarning("Leader election: {Identity} lost lease {Namespace}/{Name}; scaling stops", Identity, _namespace, _name);
                    LeadershipChanged?.Invoke(holds);
                }
                await Task.Delay(Timings.RetryPeriod, _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        if (HoldsLease)
        {
            using var timeout = new CancellationTokenSource(Timings.RetryPeriod);
            await ReleaseAsync(timeout.Token).ConfigureAwait(false);
            LeadershipChanged?.Invoke(false);
        }
    }

    /// <summary>Gives the lease up (empty holder, 1s duration) if we hold it.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        _lastRenew = null;
        try
        {
            var lease = await _rest.GetOrNullAsync<V1Lease>(KubePaths.Lease(_namespace, _name), ct).ConfigureAwait(false);
            if (lease?.Spec?.HolderIdentity != Identity) return;
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = _time.GetUtcNow().UtcDateTime;
            await _rest.ReplaceAsync(KubePaths.Lease(_namespace, _name), lease, ct).ConfigureAwait(false);
            _log.LogInformation("Leader election: {Identity} released lease {Namespace}/{Name}", Identity, _namespace, _name);
        }
        catch (Exception e) when (e is KubeApiException or KubeUnreachableException or OperationCanceledException)
        {
            // Best effort: the lease expires on its own.
        }
    }

    private V1LeaseSpec NewSpec(DateTimeOffset now, int transitions, DateTimeOffset acquireTime) => new()
    {
        HolderIdentity = Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(Timings.LeaseDuration.TotalSeconds),
        AcquireTime = acquireTime.UtcDateTime,
        RenewTime = now.UtcDateTime,
        LeaseTransitions = transitions,
    };

    private bool Succeeded(DateTimeOffset now, string holder)
    {
        _lastRenew = now;
        ObservedHolder = holder;
        return true;
    }

    private bool Failed()
    {
        // Someone else holds it (or we could not tell): we are not leader any more, even before the deadline,
        // when the lease is visibly someone else's.
        if (ObservedHolder is not null && ObservedHolder != Identity) _lastRenew = null;
        return HoldsLease;
    }
}
