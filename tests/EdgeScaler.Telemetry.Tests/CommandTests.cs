namespace EdgeScaler.Telemetry.Tests;

using System.Text.Json;
using EdgeScaler.Core.Scaling;
using EdgeScaler.TestKit;
using EdgeScaler.Telemetry.Tests.Infrastructure;

/// <summary>Override commands sent with the real mosquitto_pub (MQTT 5 response topic + correlation data).</summary>
public sealed class CommandTests
{
    private const string WebSet = "edgescaler/test/scaler/default/web/set";
    private static readonly HpaRef Web = new("default", "web");

    private static JsonElement Json(ReceivedMessage m) => JsonDocument.Parse(m.Payload).RootElement;

    [Fact]
    public async Task Valid_commands_are_applied_and_answered_on_the_response_topic_and_as_events()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var replies = await MosquittoSub.StartAsync(broker, "replies/#", TelemetryBroker.Viewer);
        await using var events = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer);
        var sink = new InMemoryOverrideSink();
        await using var agent = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path), sink: sink);
        await using var availability = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        await agent.StartAsync();
        await availability.WaitForAsync(m => m.Payload == "online", "agent online");

        await MosquittoPub.PublishAsync(broker, WebSet, """{"replicas":3,"for":"30m"}""", responseTopic: "replies/op", correlation: "c-pin", login: TelemetryBroker.Operator);
        var pinned = await replies.WaitForAsync(m => m.Correlation == "c-pin", "reply c-pin");
        DocumentedSchema.AssertMatches("reply-accepted", pinned.Payload);
        Assert.Equal("accepted", Json(pinned).GetProperty("result").GetString());
        Assert.Equal(3, Json(pinned).GetProperty("replicas").GetInt32());
        Assert.Equal("override", Json(pinned).GetProperty("mode").GetString());
        Assert.Equal(3, sink.Active[Web].Replicas);
        var request = Assert.Single(sink.Requests);
        Assert.Equal(TimeSpan.FromMinutes(30), request.Duration);
        Assert.Equal(EdgeScaler.Core.Overrides.OverrideSource.Mqtt, request.Source);

        var ev = await events.WaitForAsync(m => Json(m).GetProperty("type").GetString() == "override", "override event");
        DocumentedSchema.AssertMatches("event-override", ev.Payload);
        Assert.Equal("accepted", Json(ev).GetProperty("result").GetString());

        await MosquittoPub.PublishAsync(broker, WebSet, """{"mode":"auto"}""", responseTopic: "replies/op", correlation: "c-auto", login: TelemetryBroker.Operator);
        var released = await replies.WaitForAsync(m => m.Correlation == "c-auto", "reply c-auto");
        Assert.Equal("auto", Json(released).GetProperty("mode").GetString());
        Assert.False(sink.Active.ContainsKey(Web));
    }

    public static TheoryData<string, string, string> BadCommands => new()
    {
        { WebSet, "not json at all", "not valid JSON" },
        { WebSet, "[3]", "not a JSON object" },
        { WebSet, """{"replicas":40}""", "outside [1, 10]" },
        { WebSet, """{"replicas":0}""", "outside [1, 10]" },
        { WebSet, """{"replicas":2.5}""", "whole number" },
        { WebSet, """{"replicas":"3"}""", "whole number" },
        { WebSet, """{"replicas":3,"for":"forever"}""", "not a duration" },
        { WebSet, """{"replicas":3,"for":"200h"}""", "longer than" },
        { WebSet, """{"replicas":12,"force":true}""", "force is not allowed" },
        { WebSet, """{"mode":"manual"}""", "not supported" },
        { WebSet, """{"replicas":3,"replicas":4}""", "appears twice" },
        { WebSet, """{"replicas":3,"user":"root"}""", "unknown field 'user'" },
        { WebSet, "{\"replicas\":3,\"pad\":\"" + new string('x', 600) + "\"}", "the limit is 512" },
        { "edgescaler/test/scaler/default/nope/set", """{"replicas":1}""", "unknown HPA default/nope" },
    };

    [Fact]
    public async Task Malformed_oversized_out_of_range_and_unknown_commands_are_rejected_with_a_reason_and_change_nothing()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var replies = await MosquittoSub.StartAsync(broker, "replies/#", TelemetryBroker.Viewer);
        await using var events = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer);
        var sink = new InMemoryOverrideSink();
        await using var availability = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        await using var agent = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path), sink: sink);
        await agent.StartAsync();
        await availability.WaitForAsync(m => m.Payload == "online", "agent online");

        var n = 0;
        foreach (var row in BadCommands)
        {
            var (topic, payload, reason) = ((string)row[0], (string)row[1], (string)row[2]);
            var correlation = $"bad-{n++}";
            var file = Path.Combine(dir.Path, correlation);
            File.WriteAllText(file, payload);
            await MosquittoPub.PublishAsync(broker, topic, file: file, responseTopic: "replies/op", correlation: correlation, login: TelemetryBroker.Operator);
            var reply = await replies.WaitForAsync(m => m.Correlation == correlation, $"reply to {payload}");
            DocumentedSchema.AssertMatches("reply-rejected", reply.Payload);
            Assert.Equal("rejected", Json(reply).GetProperty("result").GetString());
            Assert.Contains(reason, Json(reply).GetProperty("reason").GetString());
        }
        Assert.Empty(sink.Requests);
        Assert.Empty(sink.Active);

        var rejected = await events.WaitUntilAsync(ms => ms.Count >= n, $"{n} rejection events");
        Assert.All(rejected, m =>
        {
            DocumentedSchema.AssertMatches("event-command", m.Payload);
            Assert.Equal("rejected", Json(m).GetProperty("result").GetString());
        });
        Assert.Equal(n, agent.Stats.CommandsRejected);
    }

    [Fact]
    public async Task Unauthorized_publisher_is_refused_by_the_broker_and_the_agent_never_sees_it()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var replies = await MosquittoSub.StartAsync(broker, "replies/#", TelemetryBroker.Viewer);
        var sink = new InMemoryOverrideSink();
        await using var availability = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        await using var agent = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path), sink: sink);
        await agent.StartAsync();
        await availability.WaitForAsync(m => m.Payload == "online", "agent online");

        var refused = await MosquittoPub.TryPublishAsync(broker, WebSet, """{"replicas":5}""", login: TelemetryBroker.Viewer, responseTopic: "replies/op", correlation: "unauth");
        Assert.Contains("not authorized", refused.Output, StringComparison.OrdinalIgnoreCase);

        // Commands reach the agent in broker order; once a later authorized command is answered, the refused one
        // would have been handled before it had the broker let it through.
        await MosquittoPub.PublishAsync(broker, WebSet, """{"replicas":2}""", responseTopic: "replies/op", correlation: "marker", login: TelemetryBroker.Operator);
        await replies.WaitForAsync(m => m.Correlation == "marker", "marker reply");
        Assert.DoesNotContain(replies.Messages, m => m.Correlation == "unauth");
        Assert.Equal([2], sink.Requests.Select(r => r.Replicas!.Value));
    }

    [Fact]
    public async Task Only_the_leader_answers_a_non_leader_stays_quiet()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var replies = await MosquittoSub.StartAsync(broker, "replies/#", TelemetryBroker.Viewer);
        await using var availability = await MosquittoSub.StartAsync(broker, "edgescaler/test/+/availability", TelemetryBroker.Viewer);
        var leaderSink = new InMemoryOverrideSink();
        var followerSink = new InMemoryOverrideSink();
        var followerLog = new ListLogger();
        await using var leader = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("j1"), dir.Path), "pi-1", leaderSink, leader: new SwitchLeadership(true));
        await using var follower = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("j2"), dir.Path), "pi-2", followerSink, leader: new SwitchLeadership(false), logger: followerLog);
        await leader.StartAsync();
        await follower.StartAsync();
        await availability.WaitUntilAsync(ms => ms.Count(m => m.Payload == "online") >= 2, "both online");

        await MosquittoPub.PublishAsync(broker, WebSet, """{"replicas":4}""", responseTopic: "replies/op", correlation: "once", login: TelemetryBroker.Operator);
        await replies.WaitForAsync(m => m.Correlation == "once", "leader reply");
        await followerLog.WaitForAsync(l => l.Contains("not the leader"));

        Assert.Single(replies.Messages, m => m.Correlation == "once");
        Assert.Single(leaderSink.Requests);
        Assert.Empty(followerSink.Requests);
        Assert.Equal(0, follower.Stats.EventsPublished + follower.Stats.EventsPending);
    }
}
