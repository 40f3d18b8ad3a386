namespace EdgeScaler.Telemetry.Tests;

using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Telemetry.Commands;
using EdgeScaler.Telemetry.Payloads;
using EdgeScaler.TestKit;
using EdgeScaler.Telemetry.Tests.Infrastructure;

/// <summary>
/// Commands are QoS 1, so they can arrive twice: mosquitto resends one whose PUBACK it never got, and a publisher's QoS 1
/// retry reaches us as a second message. A redelivery is answered again but applied once (no restarted `for` timer,
/// no second event); a command sent again on purpose is applied again.
/// </summary>
public sealed class CommandRedeliveryTests
{
    private const string WebSet = "edgescaler/test/scaler/default/web/set";
    private static readonly HpaRef Web = new("default", "web");

    private static async Task WaitUntil(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_command_mosquitto_redelivers_with_DUP_after_a_lost_PUBACK_is_applied_once()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var proxy = new TcpRelay(broker.Port);
        await using var availability = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        await using var events = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer);
        var sink = new InMemoryOverrideSink();
        var logger = new ListLogger();
        await using var agent = Samples.Agent(Samples.Options($"mqtt://127.0.0.1:{proxy.Port}", dir.Sub("journal"), dir.Path), sink: sink, logger: logger);
        await agent.StartAsync();
        await availability.WaitForAsync(m => m.Payload == "online", "agent online");

        // The agent gets the command and applies it, but its PUBACK is lost with the connection.
        proxy.DropUp = true;
        await MosquittoPub.PublishAsync(broker, WebSet, """{"replicas":3,"for":"30m"}""", TelemetryBroker.Operator);
        await WaitUntil(() => sink.Requests.Count == 1, "the command to be applied");
        proxy.DropUp = false;
        proxy.CutAll();

        // mosquitto sends it again from the agent's persistent session, DUP set, same packet id.
        await WaitUntil(() => broker.ReadLog().Contains("Sending PUBLISH to edgescaler-test-pi-1 (d1, q1"), "mosquitto to redeliver the command with DUP");
        // Commands are handled in order: once a later one is applied, the redelivered one has been handled.
        await MosquittoPub.PublishAsync(broker, "edgescaler/test/scaler/shop/api/set", """{"replicas":2}""", TelemetryBroker.Operator);
        await WaitUntil(() => sink.Requests.Any(r => r.Hpa.Name == "api"), "the later command");

        Assert.Single(sink.Requests, r => r.Hpa == Web);
        Assert.Equal(1, agent.Stats.CommandsRedelivered);
        Assert.Contains(logger.Lines, l => l.Contains("delivered again (DUP, same packet id)"));
        await events.WaitUntilAsync(ms => ms.Any(m => m.Payload.Contains("\"hpa\":\"shop/api\"")), "the later command's event");
        Assert.Single(events.Messages, m => m.Payload.Contains("\"hpa\":\"default/web\""));
    }

    [Fact]
    public async Task The_same_request_twice_is_answered_twice_with_the_first_answer_and_applied_once_while_a_new_request_extends_the_pin()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var replies = await MosquittoSub.StartAsync(broker, "replies/#", TelemetryBroker.Viewer);
        await using var availability = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        var sink = new InMemoryOverrideSink();
        await using var agent = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path), sink: sink);
        await agent.StartAsync();
        await availability.WaitForAsync(m => m.Payload == "online", "agent online");

        // The same PUBLISH twice (what a publisher's QoS 1 retry repeats): same payload, response topic and correlation data.
        const string Pin = """{"replicas":3,"for":"30m"}""";
        await MosquittoPub.PublishAsync(broker, WebSet, Pin, responseTopic: "replies/op", correlation: "req-7", login: TelemetryBroker.Operator);
        await replies.WaitForAsync(m => m.Correlation == "req-7", "the first answer");
        await Task.Delay(1100); // so an applied-again pin would end a second later
        await MosquittoPub.PublishAsync(broker, WebSet, Pin, responseTopic: "replies/op", correlation: "req-7", login: TelemetryBroker.Operator);
        var answers = await replies.WaitUntilAsync(ms => ms.Count(m => m.Correlation == "req-7") == 2, "the second answer");
        var twice = answers.Where(m => m.Correlation == "req-7").ToList();
        Assert.Equal(twice[0].Payload, twice[1].Payload); // same `until`: the timer did not restart
        Assert.Single(sink.Requests);
        Assert.Equal(1, agent.Stats.CommandsRedelivered);

        // A new request for the same thing (new correlation data) is applied: resending on purpose extends the pin.
        await MosquittoPub.PublishAsync(broker, WebSet, Pin, responseTopic: "replies/op", correlation: "req-8", login: TelemetryBroker.Operator);
        var extended = await replies.WaitForAsync(m => m.Correlation == "req-8", "the answer to the new request");
        Assert.Equal(2, sink.Requests.Count);
        Assert.True(Until(extended) > Until(twice[0]), $"{extended.Payload} should end later than {twice[0].Payload}");

        // Without correlation data and without DUP, a repeat cannot be told from a deliberate resend: applied again.
        await MosquittoPub.PublishAsync(broker, WebSet, """{"replicas":4}""", TelemetryBroker.Operator);
        await MosquittoPub.PublishAsync(broker, WebSet, """{"replicas":4}""", TelemetryBroker.Operator);
        await WaitUntil(() => sink.Requests.Count == 4, "both plain commands");
        Assert.Equal(1, agent.Stats.CommandsRedelivered);
    }

    private static DateTimeOffset Until(ReceivedMessage m) => JsonDocument.Parse(m.Payload).RootElement.GetProperty("until").GetDateTimeOffset();
}

public sealed class RecentCommandsTests
{
    private static readonly DateTimeOffset T0 = Samples.T0;
    private static readonly CommandOutcome Answer = new(new HpaRef("default", "web"),
        new CommandReply { Result = "accepted", Hpa = "default/web", Reason = "pinned to 3" }, new TelemetryEvent { Type = "override" });

    private static CommandDelivery Delivery(string payload = """{"replicas":3}""", string? correlation = null, ushort packetId = 1, bool dup = false,
        string topic = "edgescaler/test/scaler/default/web/set", string? responseTopic = null) =>
        CommandDelivery.From(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)), responseTopic,
            correlation is null ? default : Encoding.UTF8.GetBytes(correlation), packetId, dup);

    [Theory]
    [InlineData("DUP, same packet id", null, null, 1, true, true)]
    [InlineData("DUP, other packet id", null, null, 2, true, false)]
    [InlineData("same packet id, no DUP (a reused id)", null, null, 1, false, false)]
    [InlineData("DUP, same packet id, other payload", """{"replicas":4}""", null, 1, true, false)]
    [InlineData("DUP, same packet id, other topic", null, "edgescaler/test/scaler/shop/api/set", 1, true, false)]
    public void A_delivery_without_correlation_data_repeats_only_as_DUP_with_the_same_packet_id(string _, string? payload, string? topic, int packetId, bool dup, bool redelivery)
    {
        var recent = new RecentCommands(16, TimeSpan.FromMinutes(5));
        recent.Remember(Delivery(packetId: 1), Answer, T0);
        var second = Delivery(payload ?? """{"replicas":3}""", packetId: (ushort)packetId, dup: dup, topic: topic ?? "edgescaler/test/scaler/default/web/set");
        Assert.Equal(redelivery, recent.FindRedelivery(second, T0.AddSeconds(1)) is not null);
        // The same delivery with correlation data added is another request.
        Assert.Null(recent.FindRedelivery(Delivery(payload ?? """{"replicas":3}""", correlation: "c", packetId: (ushort)packetId, dup: dup,
            topic: topic ?? "edgescaler/test/scaler/default/web/set"), T0.AddSeconds(1)));
    }

    [Fact]
    public void With_correlation_data_the_request_repeats_whatever_its_packet_id_and_DUP_flag()
    {
        var recent = new RecentCommands(16, TimeSpan.FromMinutes(5));
        recent.Remember(Delivery(correlation: "req-1", packetId: 7, responseTopic: "replies/a"), Answer, T0);
        Assert.Same(Answer, recent.FindRedelivery(Delivery(correlation: "req-1", packetId: 9, responseTopic: "replies/a"), T0));
        Assert.Same(Answer, recent.FindRedelivery(Delivery(correlation: "req-1", packetId: 7, dup: true, responseTopic: "replies/a"), T0));
        Assert.Null(recent.FindRedelivery(Delivery(correlation: "req-2", packetId: 9, responseTopic: "replies/a"), T0));
        Assert.Null(recent.FindRedelivery(Delivery(correlation: "req-1", packetId: 9, responseTopic: "replies/b"), T0));
        Assert.Null(recent.FindRedelivery(Delivery("""{"mode":"auto"}""", correlation: "req-1", packetId: 9, responseTopic: "replies/a"), T0));
    }

    [Fact]
    public void Entries_are_forgotten_after_the_window_and_past_the_capacity_oldest_first()
    {
        var recent = new RecentCommands(3, TimeSpan.FromMinutes(5));
        for (var i = 0; i < 5; i++) recent.Remember(Delivery(correlation: $"r{i}"), Answer, T0.AddSeconds(i));
        Assert.Equal(3, recent.Count);
        Assert.Null(recent.FindRedelivery(Delivery(correlation: "r1"), T0.AddSeconds(10)));
        Assert.NotNull(recent.FindRedelivery(Delivery(correlation: "r2"), T0.AddSeconds(10)));
        Assert.NotNull(recent.FindRedelivery(Delivery(correlation: "r4"), T0.AddSeconds(4) + TimeSpan.FromMinutes(5)));
        Assert.Null(recent.FindRedelivery(Delivery(correlation: "r4"), T0.AddSeconds(5) + TimeSpan.FromMinutes(5)));
        Assert.Equal(0, recent.Count);
    }

    [Fact]
    public void The_digest_separates_fields_so_shifted_bytes_do_not_collide()
    {
        var a = CommandDelivery.From("t/a", new ReadOnlySequence<byte>("bc"u8.ToArray()), null, default, 1, false);
        var b = CommandDelivery.From("t/ab", new ReadOnlySequence<byte>("c"u8.ToArray()), null, default, 1, false);
        Assert.NotEqual(a.Digest, b.Digest);
    }
}
