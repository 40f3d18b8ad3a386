namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Kubernetes.Mapping;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.Scaler.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

public sealed partial class HpaController
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private static IReadOnlyDictionary<string, string> LabelsOf(V1Pod pod) =>
        pod.Metadata.Labels as IReadOnlyDictionary<string, string> ?? (pod.Metadata.Labels is { } l ? new Dictionary<string, string>(l) : NoLabels);

    private async Task ReconcileOneAsync(V2HorizontalPodAutoscaler hpa, HpaRef key, PassContext pass, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var uid = hpa.Metadata.Uid ?? "";
        var involved = new V1ObjectReference
        {
            Kind = "HorizontalPodAutoscaler",
            ApiVersion = "autoscaling/v2",
            Name = key.Name,
            NamespaceProperty = key.Namespace,
            Uid = uid,
            ResourceVersion = hpa.Metadata.ResourceVersion,
        };
        ObserveForeignStatus(hpa, key, now);
        HpaObject core;
        try
        {
            core = CoreOf(hpa);
        }
        catch (MappingException e)
        {
            await ReportInvalidSpecAsync(hpa, key, involved, e, now, ct).ConfigureAwait(false);
            return;
        }
        var target = $"{core.Spec.ScaleTargetRef.Kind}/{core.Spec.ScaleTargetRef.Name}";

        // 1. The target's /scale.
        string scalePath;
        V1Scale scale;
        try
        {
            scalePath = await _scales.ScalePathAsync(key.Namespace, core.Spec.ScaleTargetRef.ApiVersion, core.Spec.ScaleTargetRef.Kind, core.Spec.ScaleTargetRef.Name, ct).ConfigureAwait(false);
            scale = await _scales.GetAsync(scalePath, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            var message = $"the HPA controller was unable to get the target's current scale: {e.ApiMessage}";
            await _events.RecordAsync(involved, "Warning", HpaConditions.FailedGetScale, message, ct).ConfigureAwait(false);
            var failedStatus = CopyStatus(hpa.Status);
            StatusMapper.SetCondition(failedStatus.Conditions, HpaConditions.FailedGetScaleCondition(e.ApiMessage), now.UtcDateTime);
            await WriteStatusAsync(hpa, key, failedStatus, ct).ConfigureAwait(false);
            Publish(new ScaleDecision(key, now, hpa.Status?.CurrentReplicas ?? 0, hpa.Status?.CurrentReplicas ?? 0, hpa.Status?.CurrentReplicas ?? 0, ScaleMode.Auto, message));
            return;
        }
        var current = scale.Spec?.Replicas ?? 0;
        var scaleInfo = new ScaleInfo(current, scale.Status?.Replicas ?? 0, scale.Status?.Selector);
        if (_fights.ObserveReplicas(key, target, current, now) is { } fight) await WarnFightAsync(involved, fight, ct).ConfigureAwait(false);

        // 2-4. Pods, metrics, the algorithm and EdgeScaler's policy.
        var history = _histories.TryGetValue(key, out var h) && h.Uid == uid ? h.History : HpaHistory.Empty;
        var (input, pods) = PrepareInput(key, core, scaleInfo, pass, history, now);
        if (NeedsCustomMetrics(core))
            input = input with { Metrics = await WithCustomMetricsAsync((HpaMetricsSnapshot)input.Metrics, core, scaleInfo, ct).ConfigureAwait(false) };
        var outcome = Decide(core, input);
        var result = outcome.Hpa;
        var desired = outcome.DesiredReplicas;
        HpaCondition? writeCondition = null; // the rescale's AbleToScale, set over the algorithm's
        // The pipeline's history assumes the write succeeds; without it, the scale-event lists stay as they were.
        var historyAfter = outcome.HistoryAfter;
        var historyIfNotWritten = outcome.HistoryAfter with { ScaleUpEvents = history.ScaleUpEvents, ScaleDownEvents = history.ScaleDownEvents };
        var decision = outcome.Decision;

        foreach (var ev in result.Events)
            if (ev.Reason != HpaConditions.SuccessfulRescale)
                await _events.RecordAsync(involved, ev.Type, ev.Reason, ev.Message, ct).ConfigureAwait(false);

        // 5. Write /scale (only while we hold the lease; checked right before the write).
        if (desired != current)
        {
            if (!_elector.HoldsLease) return;
            var reason = decision.Mode == ScaleMode.Auto ? decision.Reason : $"{decision.Reason} (HPA recommended {result.DesiredReplicas})";
            try
            {
                await _scales.UpdateAsync(scalePath, scale, desired, ct).ConfigureAwait(false);
                _fights.RecordWrite(key, desired);
                writeCondition = HpaConditions.SucceededRescaleCondition(desired);
                await _events.RecordAsync(involved, "Normal", HpaConditions.SuccessfulRescale, $"New size: {desired}; reason: {reason}", ct).ConfigureAwait(false);
                _log.LogInformation("Scaled {Target} of HPA {Hpa} from {Current} to {Desired}: {Reason}", target, key, current, desired, reason);
            }
            catch (KubeApiException e)
            {
                writeCondition = HpaConditions.FailedUpdateScaleCondition(e.ApiMessage);
                await _events.RecordAsync(involved, "Warning", HpaConditions.FailedRescale, $"New size: {desired}; reason: {reason}; error: {e.ApiMessage}", ct).ConfigureAwait(false);
                if (e.IsConflict && _fights.ObserveConflict(key, target, now) is { } conflictFight) await WarnFightAsync(involved, conflictFight, ct).ConfigureAwait(false);
                desired = current;
                historyAfter = historyIfNotWritten;
                decision = decision with { DesiredReplicas = current, Reason = $"{decision.Reason}; the write failed: {e.ApiMessage}" };
            }
        }
        _histories[key] = (uid, historyAfter);

        // 6. Status, only when it changed.
        var status = StatusMapper.ToStatus(result, desired, rescaled: desired != current, hpa.Status, writeCondition is null ? [] : [writeCondition], now.UtcDateTime);
        await WriteStatusAsync(hpa, key, status, ct).ConfigureAwait(false);
        Publish(decision);
    }

    /// <summary>
    /// An HPA the API server would not have accepted (no scaleTargetRef, maxReplicas &lt; 1, a behavior out of range —
    /// a hand-fed or very old object): no scaling, ScalingActive=False naming the field, one Warning event per change.
    /// Upstream has no reason for this (validation stops such objects first), hence our own "InvalidSpec".
    /// </summary>
    private async Task ReportInvalidSpecAsync(V2HorizontalPodAutoscaler hpa, HpaRef key, V1ObjectReference involved, MappingException e, DateTimeOffset now, CancellationToken ct)
    {
        var message = $"the HPA spec is invalid: {e.Message}";
        WarnOnce(key, message);
        var status = CopyStatus(hpa.Status);
        var condition = new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.False, InvalidSpecReason, message);
        if (status.Conditions?.FirstOrDefault(c => c.Type == condition.Type) is not { Reason: InvalidSpecReason } previous || previous.Message != message)
            await _events.RecordAsync(involved, "Warning", InvalidSpecReason, message, ct).ConfigureAwait(false);
        StatusMapper.SetCondition(status.Conditions!, condition, now.UtcDateTime);
        await WriteStatusAsync(hpa, key, status, ct).ConfigureAwait(false);
        var replicas = hpa.Status?.CurrentReplicas ?? 0;
        Publish(new ScaleDecision(key, now, replicas, replicas, replicas, ScaleMode.Auto, message) { Error = message });
    }

    /// <summary>ScalingActive reason for an HPA spec that does not map (not an upstream reason: see ReportInvalidSpecAsync).</summary>
    public const string InvalidSpecReason = "InvalidSpec";

    /// <summary>
    /// Everything the algorithm reads for one HPA, from the pass's caches (no IO): the pods the Scale's selector
    /// matches (an unparseable selector leaves none; the algorithm reports InvalidSelector), the HPAs that select
    /// them too, and resource metrics from the cluster view.
    /// </summary>
    internal (HpaInput Input, List<PodInfo> Pods) PrepareInput(HpaRef key, HpaObject core, ScaleInfo scale, PassContext pass, HpaHistory history, DateTimeOffset now)
    {
        List<PodInfo> pods;
        List<HpaRef> selectingHpas;
        if (SelectorOf(key, scale.Selector) is { } selector)
        {
            var matched = _matchedPods;
            matched.Clear();
            foreach (var pod in pass.Candidates(key.Namespace, selector.PlainTerms))
                if (selector.Selector.Matches(LabelsOf(pod))) matched.Add(pod);
            pods = new List<PodInfo>(matched.Count);
            foreach (var pod in matched)
                if (PodInfoOf(key, pod) is { } info) pods.Add(info);
            selectingHpas = SelectingHpas(key, matched);
            matched.Clear(); // hold no pods between passes
        }
        else
        {
            _selectors.Remove(key);
            pods = [];
            selectingHpas = [];
        }

        IReadOnlyList<PodUsageSample>? podMetrics = null;
        string? podMetricsError = null;
        foreach (var m in core.Spec.EffectiveMetrics)
        {
            if (m.Type is not (MetricSourceType.Resource or MetricSourceType.ContainerResource)) continue;
            if (pass.Usage.HasRates) podMetrics = pass.Usage.For(core.Ref.Namespace, pods);
            else podMetricsError = "the cluster view has no rates yet (waiting for a second sample)";
            break;
        }
        var snapshot = new HpaMetricsSnapshot { PodMetrics = podMetrics, PodMetricsError = podMetricsError };
        var input = new HpaInput(core, scale, pods, snapshot, history, now) { Settings = Settings, SelectingHpas = selectingHpas };
        return (input, pods);
    }

    /// <summary>
    /// The shared pipeline (upstream's algorithm, the thermal policy, an override in force from the HPA's
    /// annotations) — the same code `explain` runs. Bad annotation values are logged once each and ignored.
    /// </summary>
    internal ScalingOutcome Decide(HpaObject core, HpaInput input)
    {
        var active = OverrideAnnotations.Parse(core.Annotations, out var overrideError);
        if (overrideError is not null) WarnOnce(core.Ref, overrideError);
        var outcome = ScalingPipeline.Decide(input, _thermal.NodeStates(), active);
        if (outcome.PolicyWarning is not null) WarnOnce(core.Ref, outcome.PolicyWarning);
        return outcome;
    }

    private void WarnOnce(HpaRef hpa, string warning)
    {
        lock (_warned)
            if (!_warned.Add($"{hpa}|{warning}")) return;
        _log.LogWarning("HPA {Hpa}: {Warning}", hpa, warning);
    }

    private static bool NeedsCustomMetrics(HpaObject core)
    {
        foreach (var m in core.Spec.EffectiveMetrics)
            if (m.Type is MetricSourceType.Pods or MetricSourceType.Object or MetricSourceType.External) return true;
        return false;
    }

    private async Task<HpaMetricsSnapshot> WithCustomMetricsAsync(HpaMetricsSnapshot snapshot, HpaObject core, ScaleInfo scale, CancellationToken ct)
    {
        var custom = new Dictionary<string, IReadOnlyList<CustomMetricValue>>(StringComparer.Ordinal);
        var external = new Dictionary<string, IReadOnlyList<ExternalMetricValue>>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        await _customMetrics.FillAsync(core.Ref.Namespace, scale.Selector, core.Spec.EffectiveMetrics, custom, external, errors, ct).ConfigureAwait(false);
        return new HpaMetricsSnapshot { PodMetrics = snapshot.PodMetrics, PodMetricsError = snapshot.PodMetricsError, Custom = custom, External = external, Errors = errors };
    }

    /// <summary>
    /// The algorithm's view of an HPA, mapped again only when the HPA changed (its resourceVersion). A metric entry
    /// that does not map is kept as a failing metric of its type (logged once, naming the field); anything else
    /// that does not map throws <see cref="MappingException"/>.
    /// </summary>
    internal HpaObject CoreOf(V2HorizontalPodAutoscaler hpa)
    {
        var key = hpa.Metadata.Uid ?? $"{hpa.Metadata.NamespaceProperty}/{hpa.Metadata.Name}";
        var rv = hpa.Metadata.ResourceVersion ?? "";
        if (_hpaCache.TryGetValue(key, out var cached) && cached.ResourceVersion == rv) return cached.Core;
        var problems = new List<MappingException>();
        var core = HpaMapper.ToCore(hpa, problems);
        foreach (var p in problems) WarnOnce(core.Ref, $"ignoring spec.metrics entry: {p.Message}");
        if (_hpaCache.Count > 10_000) _hpaCache.Clear();
        _hpaCache[key] = (rv, core);
        return core;
    }

    /// <summary>PodInfo for a pod, mapped again only when the pod changed (its resourceVersion); null when it does not map.</summary>
    private PodInfo? PodInfoOf(HpaRef hpa, V1Pod pod)
    {
        var uid = pod.Metadata.Uid ?? pod.Metadata.Name;
        var rv = pod.Metadata.ResourceVersion ?? "";
        if (_podCache.TryGetValue(uid, out var cached) && cached.ResourceVersion == rv) return cached.Info;
        PodInfo info;
        try
        {
            info = PodMapper.ToCore(pod, $"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}");
        }
        catch (MappingException e)
        {
            // The API server validates pods, so this is a quantity our parser does not know: leave the pod out, say so once.
            WarnOnce(hpa, $"leaving out a pod that does not map: {e.Message}");
            return null;
        }
        if (_podCache.Count > 50_000) _podCache.Clear();
        _podCache[uid] = (rv, info);
        return info;
    }

    /// <summary>
    /// HPAs (this one included) whose last known selector matches any of this HPA's pods: more than one is
    /// upstream's AmbiguousSelector. Pods of one workload share their labels, so each distinct label set is
    /// checked once.
    /// </summary>
    private List<HpaRef> SelectingHpas(HpaRef self, List<V1Pod> pods)
    {
        var result = new List<HpaRef> { self };
        if (pods.Count == 0) return result;
        var distinct = _distinctLabels;
        distinct.Clear();
        foreach (var pod in pods)
        {
            var labels = LabelsOf(pod);
            var seen = false;
            foreach (var d in distinct)
                if (SameLabels(d, labels)) { seen = true; break; }
            if (!seen) distinct.Add(labels);
        }
        _selectors.AddOthersMatching(self, distinct, result);
        distinct.Clear();
        return result;
    }

    /// <summary>The HPA's parsed Scale selector, parsed again only when its text changed; null (and forgotten) when it does not parse.</summary>
    private ScaleSelector? SelectorOf(HpaRef key, string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (_selectors.TryGet(key, out var known) && known.Text == text) return known;
        var parsed = ScaleSelector.TryParse(text);
        if (parsed is not null) _selectors.Set(key, parsed);
        return parsed;
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        if (a is Dictionary<string, string> concrete) // the client's type: enumerate without boxing
        {
            foreach (var (k, v) in concrete)
                if (!b.TryGetValue(k, out var bv) || bv != v) return false;
            return true;
        }
        foreach (var (k, v) in a)
            if (!b.TryGetValue(k, out var bv) || bv != v) return false;
        return true;
    }

    private async Task WriteStatusAsync(V2HorizontalPodAutoscaler hpa, HpaRef key, V2HorizontalPodAutoscalerStatus status, CancellationToken ct)
    {
        try
        {
            var written = await _statusWriter.WriteIfChangedAsync(hpa, status, ct).ConfigureAwait(false);
            if (written is not null && long.TryParse(written.Metadata.ResourceVersion, out var rv))
                _ourStatus[key] = (rv, KubeJson.Serialize(written.Status));
        }
        catch (KubeApiException e)
        {
            _log.LogWarning("Could not write status of HPA {Hpa}: {Error}", key, e.ApiMessage);
        }
    }

    /// <summary>The HPA's status moved on past our last write to something we did not write: another HPA controller.</summary>
    private void ObserveForeignStatus(V2HorizontalPodAutoscaler hpa, HpaRef key, DateTimeOffset now)
    {
        if (!_ourStatus.TryGetValue(key, out var ours) || !long.TryParse(hpa.Metadata.ResourceVersion, out var rv) || rv <= ours.ResourceVersion) return;
        var json = KubeJson.Serialize(hpa.Status);
        if (json == ours.StatusJson) return;
        _ourStatus.Remove(key);
        if (_fights.ObserveForeignStatus(key, now) is { } fight) _ = WarnFightAsync(null, fight, CancellationToken.None);
    }

    private async Task WarnFightAsync(V1ObjectReference? involved, string message, CancellationToken ct)
    {
        _log.LogWarning("{Message}", message);
        if (involved is not null) await _events.RecordAsync(involved, "Warning", "ConflictingScaleWriter", message, ct).ConfigureAwait(false);
    }

    private static V2HorizontalPodAutoscalerStatus CopyStatus(V2HorizontalPodAutoscalerStatus? status)
    {
        var copy = status is null ? new V2HorizontalPodAutoscalerStatus() : KubeJson.Clone(status);
        copy.Conditions ??= [];
        return copy;
    }
}
