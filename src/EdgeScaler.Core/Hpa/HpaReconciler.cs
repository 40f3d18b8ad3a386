namespace EdgeScaler.Core.Hpa;

/// <summary>
/// Upstream's reconcileAutoscaler from "GET /scale succeeded" to "decide whether to write /scale", pure:
/// seeds the recommendation history, takes the disabled / above-max / below-min shortcuts, computes every metric,
/// applies the don't-scale-down-on-a-failed-metric rule, then normalizes (legacy or behavior).
/// The caller writes /scale when <see cref="HpaResult.IsRescale"/> and records the event with
/// <see cref="Normalization.StoreScaleEvent"/> (already applied in <see cref="HpaResult.HistoryAfter"/>).
/// </summary>
public static class HpaReconciler
{
    public static HpaResult Reconcile(HpaInput input)
    {
        var spec = input.Hpa.Spec;
        var now = input.Now;
        var current = input.Scale.SpecReplicas;
        var min = spec.EffectiveMinReplicas;
        var max = spec.MaxReplicas;
        var events = new List<HpaEvent>();
        // The Scale was read (the caller got it), so upstream has already set AbleToScale=True/SucceededGetScale.
        var conditions = new List<HpaCondition> { HpaConditions.SucceededGetScaleCondition() };

        // recordInitialRecommendation: a first sighting seeds the history with the current count.
        var history = input.History;
        if (history.Recommendations.Count == 0)
            history = history with { Recommendations = [new TimestampedRecommendation(current, now)] };

        if (current == 0 && min != 0)
        {
            conditions.Add(new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.False, HpaConditions.ScalingDisabled,
                "scaling is disabled since the replica count of the target is zero"));
            return new HpaResult(current, null, null, current, [], conditions, history, null, null, events);
        }
        if (current > max)
            return Shortcut(input, current, max, "Current number of replicas above Spec.MaxReplicas", history, conditions, events);
        if (current < min)
            return Shortcut(input, current, min, "Current number of replicas below Spec.MinReplicas", history, conditions, events);

        var metrics = ComputeReplicasForMetrics(input, events, conditions, out var proposal, out var metricName, out var error);
        if (proposal < 0)
        {
            events.Add(new HpaEvent("Warning", HpaConditions.FailedComputeMetricsReplicas, error!));
            return new HpaResult(current, null, null, current, metrics, conditions, history, error, null, events);
        }

        var desired = 0;
        var rescaleMetric = "";
        if (proposal > desired) { desired = proposal; rescaleMetric = metricName ?? ""; }
        string? rescaleReason = null;
        if (desired > current) rescaleReason = $"{rescaleMetric} above target";
        if (desired < current) rescaleReason = "All metrics below target";

        Normalization.Result n = spec.Behavior is null
            ? Normalization.Legacy(current, desired, min, max, input.Settings.DownscaleWindow, history.Recommendations, now)
            : Normalization.WithBehavior(current, desired, min, max, spec.Behavior.WithDefaults(), input.Settings.DownscaleWindow, history, now);
        conditions[0] = n.AbleToScale;
        conditions.Add(n.ScalingLimited);
        history = history with { Recommendations = n.Recommendations };

        var final = n.Desired;
        if (final != current)
        {
            history = Normalization.StoreScaleEvent(history, spec.Behavior, current, final, now);
            events.Add(new HpaEvent("Normal", HpaConditions.SuccessfulRescale, $"New size: {final}; reason: {rescaleReason}"));
        }
        return new HpaResult(current, proposal, n.Stabilized, final, metrics, conditions, history, error, rescaleReason, events);
    }

    private static HpaResult Shortcut(HpaInput input, int current, int desired, string reason, HpaHistory history, List<HpaCondition> conditions, List<HpaEvent> events)
    {
        history = Normalization.StoreScaleEvent(history, input.Hpa.Spec.Behavior, current, desired, input.Now);
        events.Add(new HpaEvent("Normal", HpaConditions.SuccessfulRescale, $"New size: {desired}; reason: {reason}"));
        return new HpaResult(current, null, null, desired, [], conditions, history, null, reason, events);
    }

    /// <summary>computeReplicasForMetrics: the max over valid proposals; -1 when nothing may be decided.</summary>
    private static IReadOnlyList<MetricOutcome> ComputeReplicasForMetrics(HpaInput input, List<HpaEvent> events, List<HpaCondition> conditions,
        out int replicas, out string? metricName, out string? error)
    {
        replicas = 0;
        metricName = null;
        error = null;
        var selectorText = input.Scale.Selector;
        if (string.IsNullOrEmpty(selectorText))
        {
            events.Add(new HpaEvent("Warning", "SelectorRequired", "selector is required"));
            conditions.Add(new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.False, HpaConditions.InvalidSelector, "the HPA target's scale is missing a selector"));
            replicas = -1;
            error = "selector is required";
            return [];
        }
        if (!Selector.TryParse(selectorText, out _, out var parseError))
        {
            var msg = $"couldn't convert selector into a corresponding internal selector object: {parseError}";
            events.Add(new HpaEvent("Warning", HpaConditions.InvalidSelector, msg));
            conditions.Add(new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.False, HpaConditions.InvalidSelector, msg));
            replicas = -1;
            error = msg;
            return [];
        }
        if (input.SelectingHpas.Count > 1)
        {
            var keys = string.Join(' ', input.SelectingHpas.Select(h => $"{{{h.Name} {h.Namespace}}}"));
            var msg = $"pods by selector {selectorText} are controlled by multiple HPAs: [{keys}]";
            events.Add(new HpaEvent("Warning", HpaConditions.AmbiguousSelector, msg));
            conditions.Add(new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.False, HpaConditions.AmbiguousSelector, msg));
            replicas = -1;
            error = msg;
            return [];
        }

        var specs = input.Hpa.Spec.EffectiveMetrics;
        var tolerances = Tolerances.For(input.Hpa.Spec.Behavior, input.Settings.Tolerance);
        var evaluator = new MetricEvaluator(input, tolerances, events);
        var outcomes = new MetricOutcome[specs.Count];
        var invalid = 0;
        MetricEvaluator.Failure? first = null;
        for (var i = 0; i < specs.Count; i++)
        {
            var (outcome, failure) = evaluator.Evaluate(specs[i]);
            outcomes[i] = outcome;
            if (failure is not null)
            {
                first ??= failure;
                invalid++;
                continue;
            }
            var p = outcome.Proposal!.Value;
            if (replicas == 0 || p > replicas)
            {
                replicas = p;
                metricName = outcome.Name;
            }
        }
        if (first is not null)
            error = $"invalid metrics ({invalid} invalid out of {specs.Count}), first error is: {first.Error}";
        if (invalid >= specs.Count || (invalid > 0 && replicas < input.Scale.SpecReplicas))
        {
            conditions.Add(new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.False, first!.Reason, first.ConditionMessage));
            replicas = -1;
            return outcomes;
        }
        conditions.Add(new HpaCondition(HpaConditions.ScalingActive, ConditionStatus.True, HpaConditions.ValidMetricFound,
            $"the HPA was able to successfully calculate a replica count from {metricName}"));
        return outcomes;
    }
}
