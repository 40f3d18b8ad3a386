namespace EdgeScaler.Kubernetes.Overrides;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Kubernetes.Rest;
using k8s.Models;
using Microsoft.Extensions.Logging;

/// <summary>
/// The <see cref="IOverrideSink"/> the panel, MQTT and the agent use. Every request is journaled first
/// (write-ahead), then written to the HPA's annotations; when the API is unreachable it stays in the journal and is
/// written when the API answers again (<see cref="RunAsync"/>), unless by then the HPA carries a newer override
/// (newest wins: the HPA's annotation is kept and the journal entry dropped).
/// </summary>
public sealed class JournaledOverrideSink : IOverrideSink
{
    private readonly OverrideWriter _writer;
    private readonly OverrideJournal _journal;
    private readonly KubeRest _rest;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public JournaledOverrideSink(KubeRest rest, OverrideJournal journal, TimeProvider time, ILogger<JournaledOverrideSink> log)
    {
        _rest = rest;
        _journal = journal;
        _time = time;
        _log = log;
        _writer = new OverrideWriter(rest, log);
    }

    /// <summary>How often pending entries are retried while some exist.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    public async ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default)
    {
        // Validate before journaling so a bad request never reaches disk.
        var validation = OverrideBook.Apply(null, request, 0, int.MaxValue);
        if (!validation.Result.Accepted) return validation.Result;

        var entry = ToPending(request);
        _journal.Add(entry);
        try
        {
            var result = await _writer.ApplyAsync(request, cancellationToken).ConfigureAwait(false);
            _journal.Complete(entry);
            _log.LogInformation("Override {Hpa} from {Source}: {Reason}", request.Hpa, ActiveOverride.SourceToWire(request.Source), result.Reason);
            return result;
        }
        catch (KubeUnreachableException e)
        {
            _log.LogWarning("Override {Hpa} from {Source} journaled; Kubernetes API unreachable ({Error}), will write it when it answers",
                request.Hpa, ActiveOverride.SourceToWire(request.Source), e.Message);
            return new OverrideResult(true, "queued: the Kubernetes API is unreachable; it is journaled and will be applied when the API answers",
                validation.Result.EffectiveReplicas, validation.Result.Until);
        }
        catch (KubeApiException e)
        {
            _journal.Complete(entry);
            return OverrideResult.Rejected($"the Kubernetes API refused it: {e.ApiMessage}");
        }
    }

    /// <summary>Retries journaled entries until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (_journal.Pending().Count > 0) await FlushAsync(ct).ConfigureAwait(false);
                await Task.Delay(RetryInterval, _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes every journaled entry the API does not have yet. Returns how many were settled.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var settled = 0;
        foreach (var entry in _journal.Pending())
        {
            try
            {
                var path = KubePaths.Hpa(entry.Namespace, entry.Name);
                var hpa = await _rest.GetOrNullAsync<V2HorizontalPodAutoscaler>(path, ct).ConfigureAwait(false);
                if (hpa is null)
                {
                    _log.LogWarning("Journaled override for {Hpa} dropped: the HPA no longer exists", entry.Hpa);
                }
                else
                {
                    var onHpa = OverrideAnnotations.Parse(new Dictionary<string, string>(hpa.Metadata.Annotations ?? new Dictionary<string, string>()), out _);
                    if (!entry.TryReadOverride(out var journaled, out var error))
                        _log.LogWarning("Journaled override for {Hpa} dropped: {Error}", entry.Hpa, error); // Load refuses these; kept for safety
                    else if (onHpa is not null && onHpa.SetAt > entry.RequestedAt)
                        _log.LogInformation("Journaled override for {Hpa} from {At:O} dropped: the HPA has a newer one (from {Source} at {SetAt:O})",
                            entry.Hpa, entry.RequestedAt, ActiveOverride.SourceToWire(onHpa.Source), onHpa.SetAt);
                    else
                    {
                        await _writer.PatchAsync(path, OverrideAnnotations.Format(journaled), hpa.Metadata.ResourceVersion, ct).ConfigureAwait(false);
                        _log.LogInformation("Journaled override for {Hpa} from {Source} written to the API", entry.Hpa, entry.Source);
                    }
                }
                _journal.Complete(entry);
                settled++;
            }
            catch (KubeUnreachableException)
            {
                return settled; // still down: try again later
            }
            catch (KubeApiException e) when (e.IsConflict)
            {
                // Changed meanwhile; the next flush decides again.
            }
            catch (KubeApiException e)
            {
                _log.LogWarning("Journaled override for {Hpa} dropped: the API refused it ({Error})", entry.Hpa, e.ApiMessage);
                _journal.Complete(entry);
            }
        }
        return settled;
    }

    /// <summary>The override the request puts in force, as OverrideBook decides it (validated beforehand), journaled in its annotation form.</summary>
    private static PendingAnnotations ToPending(OverrideRequest request) =>
        PendingAnnotations.For(request.Hpa, OverrideBook.Apply(null, request, 0, int.MaxValue).Next, request.RequestedAt, request.Source);
}
