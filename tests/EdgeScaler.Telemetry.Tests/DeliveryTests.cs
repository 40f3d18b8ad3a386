namespace EdgeScaler.Telemetry.Tests;

using System.Text.Json;
using EdgeScaler.TestKit;
using EdgeScaler.Telemetry.Tests.Infrastructure;

/// <summary>Broker restarts, lost connections and agent restarts, against a real mosquitto.</summary>
public sealed class DeliveryTests
{
    private static long Seq(ReceivedMessage m) => JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64();

    private static async Task WaitUntil(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>The event's id from the MQTT 5 user properties (not the payload): what a consumer that dedupes would read.</summary>
    private static long SeqProperty(ReceivedMessage m)
    {
        var props = m.UserProperties.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("node:pi-1", props);
        return long.Parse(Assert.Single(props, p => p.StartsWith("seq:", StringComparison.Ordinal))["seq:".Length..]);
    }

    [Fact]
    public async Task Broker_restart_mid_stream_delivers_every_event_exactly_once_in_order()
    {
        const int total = 60;
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync(); // persistence on; SIGTERM saves sessions and in-flight QoS 2 state
        // A QoS 2 subscriber with a persistent session, as a consumer that must see each event once would be.
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer, clientId: "events-watcher", qos: 2);
        await using var agent = Samples.Agent(Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path));
        await agent.StartAsync();
        var producer = Task.Run(async () =>
        {
            for (var i = 1; i <= total; i++)
            {
                agent.PublishDecision(Samples.Decision("default", "web", i, i + 1));
                await Task.Delay(15);
            }
        });

        await sub.WaitUntilAsync(ms => ms.Count >= 10, "first events");
        await broker.StopAsync();
        await WaitUntil(() => agent.Stats.EventsPending >= 5, "events journaled while the broker is down");
        await broker.StartAgainAsync();
        await producer;

        Assert.False(sub.HasExited, "mosquitto_sub quit across the broker restart; its persistent session should have carried it");
        await sub.WaitUntilAsync(ms => ms.Select(Seq).Contains(total), $"event {total}", 40);
        await WaitUntil(() => agent.Stats.EventsPending == 0, "journal drained");
        await Task.Delay(500); // a late redelivery, if there were one, would show up here
        var all = sub.Messages;

        // Exactly once, in order, as the subscriber saw them: no dedupe applied.
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), all.Select(Seq));
        Assert.Equal(Enumerable.Range(1, total), all.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("from").GetInt32()));
        Assert.Equal(all.Select(Seq), all.Select(SeqProperty));
        Assert.All(all, m => Assert.Equal(2, m.Qos));
        Assert.All(all, m => DocumentedSchema.AssertMatches("event-scale", m.Payload));
        Assert.Equal(0, agent.Stats.EventsDropped);
            Assert.True(agent.Stats.Connects >= 2);
    }

    [Fact]
    public async Task Connections_cut_mid_stream_lose_nothing_and_dedupe_by_event_id_leaves_each_event_once_in_order()
    {
        const int total = 60;
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var proxy = new TcpRelay(broker.Port);
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer, clientId: "events-cut-watcher", qos: 2);
        await using var agent = Samples.Agent(Samples.Options($"mqtt://127.0.0.1:{proxy.Port}", dir.Sub("journal"), dir.Path));
        await agent.StartAsync();
        for (var i = 1; i <= total; i++)
        {
            agent.PublishDecision(Samples.Decision("default", "web", i, i + 1));
            if (i % 15 == 0) proxy.CutAll(); // the network drops while events are in flight, at whatever step of the QoS 2 flow
            await Task.Delay(10);
        }
        await sub.WaitUntilAsync(ms => ms.Select(Seq).Contains(total), $"event {total}", 40);
        await WaitUntil(() => agent.Stats.EventsPending == 0, "journal drained");
        await Task.Delay(500);
        var all = sub.Messages;

        // A cut between the broker releasing an event and our PUBCOMP arriving makes MQTTnet 5 publish it again under a new
        // packet id (it cannot resume a QoS 2 flow), so the wire may repeat an event; the id in the user properties
        // makes that visible. After dedupe by it: every event once, in order. A repeat is always the one just sent.
        var deduped = all.Where((m, i) => i == 0 || SeqProperty(m) != SeqProperty(all[i - 1])).ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), deduped.Select(SeqProperty));
        Assert.Equal(all.Select(Seq), all.Select(SeqProperty));
        Assert.Equal(0, agent.Stats.EventsDropped);
        Assert.True(agent.Stats.Connects >= 2);
    }

    [Fact]
    public async Task Lost_connection_makes_the_broker_publish_the_will_then_the_agent_comes_back_online()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var proxy = new TcpRelay(broker.Port);
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        await using var agent = Samples.Agent(Samples.Options($"mqtt://127.0.0.1:{proxy.Port}", dir.Sub("journal"), dir.Path));
        await agent.StartAsync();
        await sub.WaitForAsync(m => m.Payload == "online", "online");

        proxy.CutAll();

        var seen = await sub.WaitUntilAsync(ms => ms.Select(m => m.Payload).SkipWhile(p => p != "offline").Contains("online"), "offline (Will) then online");
        Assert.Equal(["online", "offline", "online"], seen.Select(m => m.Payload).Take(3));
        Assert.Contains("edgescaler-test-pi-1", broker.ReadLog()); // the per-node client id
        Assert.True(agent.Stats.Connects >= 2);
    }

    [Fact]
    public async Task Agent_restart_on_the_same_journal_loses_nothing_and_repeats_nothing()
    {
        using var dir = new TempDir();
        var journal = dir.Sub("journal");
        await using var broker = await TelemetryBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer, clientId: "restart-watcher", qos: 2);

        await using (var first = Samples.Agent(Samples.Options(broker.Uri, journal, dir.Path)))
        {
            await first.StartAsync();
            for (var i = 1; i <= 5; i++) first.PublishDecision(Samples.Decision("default", "web", i, i + 1));
            await sub.WaitUntilAsync(ms => ms.Count >= 5, "events 1-5 from the first agent");
            await WaitUntil(() => first.Stats.EventsPending == 0, "first agent's journal drained");
            await broker.StopAsync();
            for (var i = 6; i <= 10; i++) first.PublishDecision(Samples.Decision("default", "web", i, i + 1));
            Assert.Equal(5, first.Stats.EventsPending);
        } // the agent stops with the broker down: events 6-10 stay on disk, 1-5 are marked delivered

        await broker.StartAgainAsync();
        await using var second = Samples.Agent(Samples.Options(broker.Uri, journal, dir.Path));
        await second.StartAsync(); // a new process would do exactly this: open the same journal directory
        second.PublishDecision(Samples.Decision("shop", "api", 2, 3));

        await sub.WaitUntilAsync(ms => ms.Select(Seq).Contains(11), "event 11");
        await WaitUntil(() => second.Stats.EventsPending == 0, "journal drained");
        await Task.Delay(500);
        var all = sub.Messages;
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), all.Select(Seq));
        Assert.Equal("shop/api", JsonDocument.Parse(all[10].Payload).RootElement.GetProperty("hpa").GetString());
        Assert.Equal(0, second.Stats.EventsDropped);
    }

    /// <summary>The MQTT 5 user property <paramref name="name"/> as mosquitto_sub printed it.</summary>
    private static string Property(ReceivedMessage m, string name) =>
        Assert.Single(m.UserProperties.Split(' ', StringSplitOptions.RemoveEmptyEntries), p => p.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..];

    [Fact]
    public async Task A_deleted_journal_starts_seq_again_under_a_new_epoch_so_node_epoch_seq_stays_unique()
    {
        using var dir = new TempDir();
        var journal = dir.Sub("journal");
        await using var broker = await TelemetryBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer, clientId: "epoch-watcher", qos: 2);

        await using (var first = Samples.Agent(Samples.Options(broker.Uri, journal, dir.Path)))
        {
            await first.StartAsync();
            for (var i = 1; i <= 3; i++) first.PublishDecision(Samples.Decision("default", "web", i, i + 1));
            await sub.WaitUntilAsync(ms => ms.Count >= 3, "events 1-3 from the first agent");
            await WaitUntil(() => first.Stats.EventsPending == 0, "first agent's journal drained");
        }
        Directory.Delete(journal, recursive: true); // an operator wipes /var/lib/edgescaler/mqtt

        await using var second = Samples.Agent(Samples.Options(broker.Uri, journal, dir.Path));
        await second.StartAsync();
        for (var i = 1; i <= 2; i++) second.PublishDecision(Samples.Decision("shop", "api", i, i + 1));
        await sub.WaitUntilAsync(ms => ms.Count >= 5, "events from the restarted agent");
        var all = sub.Messages;

        string Epoch(ReceivedMessage m) => JsonDocument.Parse(m.Payload).RootElement.GetProperty("epoch").GetString()!;
        Assert.Equal([1L, 2, 3, 1, 2], all.Select(Seq));
        Assert.All(all, m => DocumentedSchema.AssertMatches("event-scale", m.Payload));
        Assert.All(all, m => Assert.Equal(Epoch(m), Property(m, "epoch")));
        Assert.All(all, m => Assert.Matches("^[0-9a-f]{16}$", Epoch(m)));
        Assert.Single(all.Take(3).Select(Epoch).Distinct());
        Assert.Single(all.Skip(3).Select(Epoch).Distinct());
        Assert.NotEqual(Epoch(all[0]), Epoch(all[3]));
        // (node, seq) repeats across the wipe; (node, epoch, seq) names each event once.
        Assert.Equal(3, all.Select(m => (Property(m, "node"), Property(m, "seq"))).Distinct().Count());
        Assert.Equal(5, all.Select(m => (Property(m, "node"), Property(m, "epoch"), Property(m, "seq"))).Distinct().Count());
    }
}
