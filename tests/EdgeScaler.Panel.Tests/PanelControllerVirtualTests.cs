namespace EdgeScaler.Panel.Tests;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Panel.Control;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Leds;
using Microsoft.Extensions.Time.Testing;

/// <summary>Actions into overrides through an <see cref="IOverrideSink"/>, with the refusals and indications the LEDs show.</summary>
public class PanelControllerVirtualTests
{
    private readonly FakeTimeProvider _time = new(Status.T0);
    private readonly RecordingOverrideSink _sink = new(maxReplicas: 5);
    private readonly RecordingAcknowledger _ack = new();
    private readonly MutableStatus _status = new(Status.Healthy(Status.Decision(Status.Web, 3, 3), Status.Decision(Status.Worker, 1, 2)));
    private readonly ListLogger<PanelControllerVirtualTests> _log = new();

    private PanelController Make(params HpaRef[] targets) =>
        new(new TargetSelector(targets), _status, _sink, _ack, _time, _log, "panel@test", null);

    [Fact]
    public async Task Up_pins_one_more_than_the_desired_replicas_and_down_one_less()
    {
        var c = Make(Status.Web);
        await c.HandleAsync(PanelAction.ScaleUp, default);
        var up = Assert.Single(_sink.Requests);
        Assert.Equal((Status.Web, 4, false, OverrideSource.Panel, "panel@test"), (up.Hpa, up.Replicas!.Value, up.Release, up.Source, up.RequestedBy!));
        Assert.False(up.Force);

        await c.HandleAsync(PanelAction.ScaleDown, default);
        Assert.Equal(3, _sink.Requests[1].Replicas);
    }

    [Fact]
    public async Task Quick_presses_count_from_the_last_pin_until_a_newer_decision_arrives()
    {
        var c = Make(Status.Web);
        await c.HandleAsync(PanelAction.ScaleUp, default);
        await c.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Equal([4, 5], _sink.Requests.Select(r => r.Replicas!.Value));

        _time.Advance(TimeSpan.FromSeconds(30));
        _status.Current = Status.Healthy(Status.Decision(Status.Web, 5, 2, ScaleMode.Auto, _time.GetUtcNow()));
        await c.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Equal(3, _sink.Requests[2].Replicas);
    }

    [Fact]
    public async Task Scale_up_during_critical_is_refused_before_the_sink_and_shown()
    {
        var c = Make(Status.Web);
        _status.Current = _status.Current with { WorstThermalState = ThermalState.Critical };
        await c.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Empty(_sink.Requests);
        Assert.Equal(IndicationKind.Refused, c.Indication.Kind);
        Assert.True(c.Indication.ActiveAt(_time.GetUtcNow()));
        Assert.Contains(_log.Lines, l => l.Text.Contains("critical"));

        // Scaling down is still allowed while critical.
        await c.HandleAsync(PanelAction.ScaleDown, default);
        Assert.Equal(2, Assert.Single(_sink.Requests).Replicas);
    }

    [Fact]
    public async Task A_rejection_from_the_override_path_is_shown_as_refused()
    {
        var c = Make(Status.Web);
        _sink.RejectWith = "outside [1, 5]";
        await c.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Equal(IndicationKind.Refused, c.Indication.Kind);
        Assert.Empty(c.PinnedByThisPanel);
    }

    [Fact]
    public async Task Auto_releases_the_target_and_a_long_auto_releases_only_what_this_panel_pinned()
    {
        var c = Make(Status.Web, Status.Worker);
        await c.HandleAsync(PanelAction.ScaleUp, default);      // web
        await c.HandleAsync(PanelAction.SelectNext, default);
        await c.HandleAsync(PanelAction.ScaleDown, default);    // worker
        Assert.Equal([Status.Web, Status.Worker], c.PinnedByThisPanel.OrderBy(h => h.Name));

        await c.HandleAsync(PanelAction.Release, default);      // worker released
        Assert.True(_sink.Requests[^1] is { Release: true, Replicas: null } r && r.Hpa == Status.Worker);
        Assert.Equal([Status.Web], c.PinnedByThisPanel);

        _sink.Requests.Clear();
        await c.HandleAsync(PanelAction.ReleaseAllMine, default);
        var release = Assert.Single(_sink.Requests);
        Assert.Equal((Status.Web, true), (release.Hpa, release.Release));
        Assert.Empty(c.PinnedByThisPanel);
    }

    [Fact]
    public async Task Select_cycles_the_configured_targets_and_shows_the_number()
    {
        var c = Make(Status.Web, Status.Worker);
        Assert.Equal(Status.Web, c.Targets.Current(_status.Current));
        await c.HandleAsync(PanelAction.SelectNext, default);
        Assert.Equal((IndicationKind.Selected, 2), (c.Indication.Kind, c.Indication.TargetNumber));
        Assert.Equal(Status.Worker, c.Targets.Current(_status.Current));
        await c.HandleAsync(PanelAction.SelectNext, default);
        Assert.Equal((IndicationKind.Selected, 1), (c.Indication.Kind, c.Indication.TargetNumber));
    }

    [Fact]
    public async Task Without_configured_targets_the_panel_offers_every_reported_hpa_sorted()
    {
        var c = Make();
        Assert.Equal([Status.Web, Status.Worker], c.Targets.Candidates(_status.Current));
        await c.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Equal(Status.Web, _sink.Requests[0].Hpa);
    }

    [Fact]
    public async Task No_target_or_no_replica_count_is_refused_not_guessed()
    {
        _status.Current = Status.Healthy();
        var c = Make();
        await c.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Equal(IndicationKind.Refused, c.Indication.Kind);

        var fixedTarget = Make(new HpaRef("ops", "unknown"));
        await fixedTarget.HandleAsync(PanelAction.ScaleUp, default);
        Assert.Empty(_sink.Requests);
        Assert.Equal(IndicationKind.Refused, fixedTarget.Indication.Kind);
    }

    [Fact]
    public async Task Acknowledge_goes_to_the_acknowledger()
    {
        var c = Make(Status.Web);
        await c.HandleAsync(PanelAction.Acknowledge, default);
        Assert.Equal(["panel@test"], _ack.By);
        Assert.Equal(IndicationKind.Acknowledged, c.Indication.Kind);
    }

    [Fact]
    public void Bad_target_entries_are_reported_by_key()
    {
        var refs = TargetSelector.ParseTargets(["default/web", "nonamespace", "a/b/c", "default/web"], out var errors);
        Assert.Equal([Status.Web], refs);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("panel.targets:", e));
    }
}
