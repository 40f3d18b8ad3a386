namespace EdgeScaler.Core.Tests.Overrides;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Tests.Hpa;

public class OverrideModelTests
{
    private static readonly DateTimeOffset Now = Fx.Now;
    private static readonly HpaRef Web = new("default", "web");

    [Fact]
    public void Pin_with_duration_expires_automatically()
    {
        var change = OverrideBook.Apply(null, OverrideRequest.Pin(Web, 4, TimeSpan.FromMinutes(30), false, OverrideSource.Cli, Now), 1, 10);
        Assert.True(change.Result.Accepted);
        Assert.Equal(Now.AddMinutes(30), change.Next!.Until);
        Assert.Equal(4, OverridePolicy.Apply(change.Next, 2, 1, 10, false, Now.AddMinutes(29))!.Allowed);
        Assert.Null(OverridePolicy.Apply(change.Next, 2, 1, 10, false, Now.AddMinutes(30)));
    }

    [Theory]
    [InlineData(20, false, 10)]
    [InlineData(0, false, 1)]
    [InlineData(20, true, 20)]
    [InlineData(0, true, 0)]
    public void Pins_are_clamped_unless_forced(int replicas, bool force, int effective)
    {
        var change = OverrideBook.Apply(null, OverrideRequest.Pin(Web, replicas, null, force, OverrideSource.Mqtt, Now), 1, 10);
        Assert.Equal(effective, change.Result.EffectiveReplicas);
        Assert.Equal(effective, OverridePolicy.Apply(change.Next, 5, 1, 10, false, Now)!.Allowed);
    }

    [Theory]
    [InlineData(-1, "must not be negative")]
    [InlineData(10_001, "more than the 10000")]
    public void Absurd_replicas_are_rejected(int replicas, string message)
    {
        var change = OverrideBook.Apply(null, OverrideRequest.Pin(Web, replicas, null, true, OverrideSource.Cli, Now), 1, 10);
        Assert.False(change.Result.Accepted);
        Assert.Contains(message, change.Result.Reason);
        Assert.Null(change.Next);
    }

    [Fact]
    public void Bad_durations_are_rejected()
    {
        Assert.False(OverrideBook.Apply(null, OverrideRequest.Pin(Web, 3, TimeSpan.Zero, false, OverrideSource.Cli, Now), 1, 10).Result.Accepted);
        Assert.False(OverrideBook.Apply(null, OverrideRequest.Pin(Web, 3, TimeSpan.FromDays(31), false, OverrideSource.Cli, Now), 1, 10).Result.Accepted);
    }

    [Fact]
    public void Critical_node_still_blocks_scale_up_even_when_forced()
    {
        var pin = new ActiveOverride(8, null, OverrideSource.Panel, Now, Force: true);
        var o = OverridePolicy.Apply(pin, 3, 1, 5, anyCriticalNode: true, Now)!;
        Assert.Equal(3, o.Allowed);
        Assert.True(o.BlockedByCritical);
        // scaling down under an override is not blocked
        Assert.Equal(2, OverridePolicy.Apply(pin with { Replicas = 2 }, 3, 1, 5, true, Now)!.Allowed);
    }

    [Fact]
    public void Newest_wins_and_older_requests_lose_with_a_note()
    {
        var panel = OverrideBook.Apply(null, OverrideRequest.Pin(Web, 3, null, false, OverrideSource.Panel, Now), 1, 10).Next;
        var mqtt = OverrideBook.Apply(panel, OverrideRequest.Pin(Web, 6, null, false, OverrideSource.Mqtt, Now.AddSeconds(5)), 1, 10);
        Assert.Equal(6, mqtt.Next!.Replicas);
        Assert.Contains("newest wins", mqtt.Conflict);
        var stale = OverrideBook.Apply(mqtt.Next, OverrideRequest.Pin(Web, 2, null, false, OverrideSource.Cli, Now.AddSeconds(1)), 1, 10);
        Assert.False(stale.Result.Accepted);
        Assert.Equal(6, stale.Next!.Replicas);
        Assert.NotNull(stale.Conflict);
        Assert.Equal(mqtt.Next, OverrideBook.Newest(panel, null, mqtt.Next));
        Assert.Null(OverrideBook.Newest(null, null));
    }

    [Fact]
    public void Auto_releases()
    {
        var pin = new ActiveOverride(4, null, OverrideSource.Cli, Now);
        var released = OverrideBook.Apply(pin, OverrideRequest.Auto(Web, OverrideSource.Panel, Now.AddMinutes(1)), 1, 10);
        Assert.True(released.Result.Accepted);
        Assert.Null(released.Next);
        Assert.True(OverrideBook.Apply(null, OverrideRequest.Auto(Web, OverrideSource.Panel, Now), 1, 10).Result.Accepted);
    }

    [Fact]
    public void Annotations_round_trip()
    {
        var o = new ActiveOverride(4, Now.AddMinutes(30), OverrideSource.Mqtt, Now, Force: true, By: "alice");
        var changes = OverrideAnnotations.Format(o);
        Assert.Equal("4", changes[OverrideAnnotations.Replicas]);
        Assert.Equal("2026-01-01T12:30:00Z", changes[OverrideAnnotations.Until]);
        var annotations = changes.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
        Assert.Equal(o, OverrideAnnotations.Parse(annotations, out var error));
        Assert.Null(error);
        // releasing removes every key
        Assert.All(OverrideAnnotations.Format(null), kv => Assert.Null(kv.Value));
        Assert.Null(OverrideAnnotations.Parse(new Dictionary<string, string>(), out error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("edgescaler.io/override-replicas", "-3", "must not be negative")]
    [InlineData("edgescaler.io/override-replicas", "99999999999", "more than")]
    [InlineData("edgescaler.io/override-replicas", "three", "not a whole number")]
    [InlineData("edgescaler.io/override-until", "tomorrow", "not an RFC 3339 time")]
    [InlineData("edgescaler.io/override-source", "carrier-pigeon", "not one of cli, mqtt, panel")]
    [InlineData("edgescaler.io/override-force", "maybe", "not true or false")]
    public void Bad_annotation_values_give_a_clear_error_and_no_override(string key, string value, string message)
    {
        var annotations = new Dictionary<string, string> { [OverrideAnnotations.Replicas] = "3", [key] = value };
        Assert.Null(OverrideAnnotations.Parse(annotations, out var error));
        Assert.Contains(key, error);
        Assert.Contains(message, error);
    }
}
