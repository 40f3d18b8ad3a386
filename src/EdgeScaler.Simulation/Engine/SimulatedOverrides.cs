namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Telemetry.Commands;

/// <summary>
/// The simulated cluster's override path: what the Scaler's journaled sink and the HPA annotations are on a real
/// cluster. MQTT commands (through the real CommandHandler) and panel presses (through the real PanelController) land
/// here; the validation, clamping and newest-wins rules are Core's <see cref="OverrideBook"/>, and the next HPA sync
/// applies the pin through <see cref="OverridePolicy"/>. Requests are stamped by their sender's clock, which in a
/// simulation is the simulated clock. Thread-safe: senders run on their own threads, the simulation reads at each sync.
/// </summary>
public sealed class SimulatedOverrides : IOverrideSink, IHpaCatalog
{
    private readonly object _gate = new();
    private readonly Dictionary<HpaRef, ScenarioHpa> _hpas = [];
    private readonly Dictionary<HpaRef, ActiveOverride> _active = [];
    private volatile string? _closedBecause;

    public SimulatedOverrides(Scenario scenario)
    {
        foreach (var w in scenario.Workloads) _hpas[new HpaRef(w.Namespace, w.Name)] = w.Hpa;
    }

    /// <summary>Every accepted or rejected request (after the fact), e.g. to publish panel overrides as MQTT events.</summary>
    public event Action<OverrideRequest, OverrideResult>? Submitted;

    public int Accepted { get; private set; }

    public bool TryGetBounds(HpaRef hpa, out HpaBounds bounds)
    {
        bounds = default;
        if (!_hpas.TryGetValue(hpa, out var spec)) return false;
        bounds = new HpaBounds(spec.MinReplicas, spec.MaxReplicas);
        return true;
    }

    public ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default)
    {
        OverrideResult result;
        if (!_hpas.TryGetValue(request.Hpa, out var spec)) result = OverrideResult.Rejected($"unknown HPA {request.Hpa}");
        else if (_closedBecause is { } why) result = OverrideResult.Rejected(why);
        else
        {
            lock (_gate)
            {
                var change = OverrideBook.Apply(_active.GetValueOrDefault(request.Hpa), request, spec.MinReplicas, spec.MaxReplicas);
                if (change.Next is { } next) _active[request.Hpa] = next;
                else _active.Remove(request.Hpa);
                result = change.Result;
                if (result.Accepted) Accepted++;
            }
        }
        Submitted?.Invoke(request, result);
        return ValueTask.FromResult(result);
    }

    /// <summary>The override in force for <paramref name="hpa"/> at <paramref name="now"/>; an expired one is forgotten.</summary>
    public ActiveOverride? ActiveFor(HpaRef hpa, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_active.TryGetValue(hpa, out var o)) return null;
            if (!o.IsExpiredAt(now)) return o;
            _active.Remove(hpa);
            return null;
        }
    }

    /// <summary>From now on every request is refused with <paramref name="reason"/> (the simulated cluster is gone).</summary>
    public void Close(string reason) => _closedBecause = reason;
}
