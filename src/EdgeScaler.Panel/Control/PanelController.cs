namespace EdgeScaler.Panel.Control;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Leds;
using Microsoft.Extensions.Logging;

/// <summary>
/// Turns a <see cref="PanelAction"/> into an override through the one override path (<see cref="IOverrideSink"/>),
/// remembers what this panel pinned, and sets the short indication the LEDs show in reply.
/// Scale-ups while any node is `critical` are refused here, before the sink, with the refused pattern.
/// </summary>
public sealed class PanelController
{
    private readonly IOverrideSink? _sink;
    private readonly IAlarmAcknowledger? _acknowledger;
    private readonly IAgentStatusSource _status;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _requestedBy;
    private readonly TimeSpan? _pinFor;
    private readonly Dictionary<HpaRef, (int Replicas, DateTimeOffset At)> _pinned = [];
    private volatile StrongBox _indication = new(PanelIndication.None);

    public PanelController(TargetSelector targets, IAgentStatusSource status, IOverrideSink? sink, IAlarmAcknowledger? acknowledger,
        TimeProvider time, ILogger log, string requestedBy, TimeSpan? pinFor)
    {
        Targets = targets;
        _status = status;
        _sink = sink;
        _acknowledger = acknowledger;
        _time = time;
        _log = log;
        _requestedBy = requestedBy;
        _pinFor = pinFor;
    }

    public TargetSelector Targets { get; }

    /// <summary>The indication the LEDs show now (read by the LED loop on another thread).</summary>
    public PanelIndication Indication => _indication.Value;

    /// <summary>HPAs this panel has pinned and not yet released.</summary>
    public IReadOnlyCollection<HpaRef> PinnedByThisPanel => _pinned.Keys;

    public async Task HandleAsync(PanelAction action, CancellationToken ct)
    {
        var status = _status.Current;
        var now = _time.GetUtcNow();
        switch (action)
        {
            case PanelAction.SelectNext:
                if (Targets.Next(status) is { } sel)
                {
                    _log.LogInformation("panel: target {Number} selected: {Target}", sel.Number, sel.Target);
                    Show(PanelIndication.Selected(sel.Number, now));
                }
                else Refuse(now, "no HPA to select yet");
                return;

            case PanelAction.Acknowledge:
                if (_acknowledger is null) { Refuse(now, "nothing to acknowledge alarms with"); return; }
                await _acknowledger.AcknowledgeAsync(_requestedBy, now, ct);
                _log.LogInformation("panel: alarm acknowledged");
                Show(PanelIndication.Acknowledged(now));
                return;

            case PanelAction.ReleaseAllMine:
                var mine = _pinned.Keys.ToList();
                _log.LogInformation("panel: releasing {Count} override(s) made from this panel", mine.Count);
                foreach (var hpa in mine)
                    await SubmitAsync(OverrideRequest.Auto(hpa, OverrideSource.Panel, now, _requestedBy), now, ct);
                return;
        }

        if (Targets.Confirm(status) is not { } target) { Refuse(now, "no target HPA known yet"); return; }
        if (action == PanelAction.Release)
        {
            await SubmitAsync(OverrideRequest.Auto(target, OverrideSource.Panel, now, _requestedBy), now, ct);
            return;
        }

        if (Baseline(status, target) is not { } baseline) { Refuse(now, $"no replica count known yet for {target}"); return; }
        var up = action == PanelAction.ScaleUp;
        if (up && status.WorstThermalState == ThermalState.Critical)
        {
            Refuse(now, $"scale-up of {target} refused: a node is critical");
            return;
        }
        var wanted = baseline + (up ? 1 : -1);
        if (wanted < 0) { Refuse(now, $"{target} is already at 0 replicas"); return; }
        await SubmitAsync(OverrideRequest.Pin(target, wanted, _pinFor, force: false, OverrideSource.Panel, now, _requestedBy), now, ct);
    }

    /// <summary>
    /// "Now" for one more/less: the replicas this panel last pinned, while no newer decision has been seen;
    /// otherwise the latest decision's desired replicas. So two quick presses give +2, not +1 twice.
    /// </summary>
    private int? Baseline(AgentStatus status, HpaRef target)
    {
        ScaleDecision? latest = null;
        foreach (var d in status.Decisions)
            if (d.Hpa == target && (latest is null || d.Timestamp > latest.Timestamp)) latest = d;
        if (_pinned.TryGetValue(target, out var pin) && (latest is null || pin.At >= latest.Timestamp)) return pin.Replicas;
        return latest?.DesiredReplicas;
    }

    private async Task SubmitAsync(OverrideRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (_sink is null) { Refuse(now, "no override path configured"); return; }
        OverrideResult result;
        try { result = await _sink.SubmitAsync(request, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Refuse(now, $"override for {request.Hpa} failed: {e.Message}");
            return;
        }
        if (!result.Accepted) { Refuse(now, $"override for {request.Hpa} rejected: {result.Reason}"); return; }
        if (request.Release) _pinned.Remove(request.Hpa);
        else _pinned[request.Hpa] = (result.EffectiveReplicas ?? request.Replicas ?? 0, now);
        _log.LogInformation("panel: {What} {Target}{Replicas}", request.Release ? "released" : "pinned", request.Hpa,
            request.Release ? "" : $" at {result.EffectiveReplicas ?? request.Replicas} replicas");
    }

    private void Refuse(DateTimeOffset now, string why)
    {
        _log.LogWarning("panel: {Why}", why);
        Show(PanelIndication.Refused(now));
    }

    private void Show(PanelIndication indication) => _indication = new StrongBox(indication);

    /// <summary>Boxes the struct so the LED thread reads it atomically.</summary>
    private sealed class StrongBox(PanelIndication value)
    {
        public readonly PanelIndication Value = value;
    }
}
