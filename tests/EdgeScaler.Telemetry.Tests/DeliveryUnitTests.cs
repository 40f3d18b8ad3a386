namespace EdgeScaler.Telemetry.Tests;

using System.Buffers;
using System.Text;
using MQTTnet.Packets;
using EdgeScaler.Telemetry.Delivery;
using EdgeScaler.Telemetry.Tests.Infrastructure;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_grow_exponentially_stay_within_half_to_full_ceiling_and_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        for (var failures = 0; failures < 40; failures++)
        {
            var ceiling = Math.Min(60, Math.Pow(2, failures));
            foreach (var r in new[] { 0.0, 0.25, 0.5, 0.999999, 1.0 })
            {
                var d = backoff.Delay(failures, r).TotalSeconds;
                Assert.InRange(d, ceiling / 2 - 1e-9, ceiling + 1e-9);
            }
            Assert.True(backoff.Delay(failures, 0.3) <= backoff.Delay(failures + 1, 0.3));
        }
        Assert.Equal(TimeSpan.FromSeconds(60), backoff.Delay(1000, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.Delay(0, 0));
    }
}

public sealed class EventJournalTests
{
    private static byte[] Payload(long seq) => Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}");

    private static List<long> Drain(EventJournal j)
    {
        var seen = new List<long>();
        while (j.TryPeek(out var e)) { seen.Add(e.Seq); j.Ack(e.Seq); }
        return seen;
    }

    [Fact]
    public void Survives_reopen_with_order_and_sequence_intact()
    {
        using var dir = new TempDir();
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
        {
            for (var i = 0; i < 5; i++) j.Append(Payload);
            Assert.True(j.TryPeek(out var head));
            j.Ack(head.Seq); // seq 1 delivered
        }
        using var reopened = EventJournal.Open(dir.Path, 100, new ListLogger());
        Assert.Equal(4, reopened.PendingCount);
        Assert.Equal(6, reopened.Append(Payload));
        Assert.True(reopened.TryPeek(out var first));
        Assert.Equal("{\"seq\":2}", Encoding.UTF8.GetString(first.Payload));
        Assert.Equal([2L, 3, 4, 5, 6], Drain(reopened));
    }

    [Fact]
    public void Sequence_continues_after_everything_was_delivered_and_the_log_emptied()
    {
        using var dir = new TempDir();
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
        {
            for (var i = 0; i < 3; i++) j.Append(Payload);
            Drain(j);
            Assert.Equal(0, new FileInfo(Path.Combine(dir.Path, "events.log")).Length);
        }
        using var again = EventJournal.Open(dir.Path, 100, new ListLogger());
        Assert.Equal(4, again.Append(Payload));
    }

    private static byte[] WithEpoch(long seq, string epoch) => Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"epoch\":\"{epoch}\"}}");

    [Fact]
    public void The_epoch_is_made_with_the_journal_and_kept_across_reopens()
    {
        using var dir = new TempDir();
        string epoch;
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
        {
            epoch = j.Epoch;
            Assert.Matches("^[0-9a-f]{16}$", epoch);
            j.Append(WithEpoch);
        }
        Assert.Equal($"{epoch} ", File.ReadAllText(Path.Combine(dir.Path, "events.epoch"))[..17]);
        Assert.False(File.Exists(Path.Combine(dir.Path, "events.epoch.tmp")));
        using var reopened = EventJournal.Open(dir.Path, 100, new ListLogger());
        Assert.Equal(epoch, reopened.Epoch);
        Assert.True(reopened.TryPeek(out var pending));
        Assert.Equal(epoch, pending.Epoch); // recovered from the payload
        Assert.Equal(2, reopened.Append(WithEpoch));
    }

    [Fact]
    public void A_deleted_journal_restarts_seq_at_1_under_a_new_epoch()
    {
        using var dir = new TempDir();
        var journal = dir.Sub("journal");
        string first;
        using (var j = EventJournal.Open(journal, 100, new ListLogger()))
        {
            first = j.Epoch;
            for (var i = 0; i < 3; i++) j.Append(WithEpoch);
            Drain(j);
        }
        Directory.Delete(journal, recursive: true);
        var logger = new ListLogger();
        using var fresh = EventJournal.Open(journal, 100, logger);
        Assert.NotEqual(first, fresh.Epoch);
        Assert.Equal(1, fresh.Append(WithEpoch));
        Assert.True(fresh.TryPeek(out var e));
        Assert.Equal(fresh.Epoch, e.Epoch);
        Assert.Contains(logger.Lines, l => l.Contains("created with epoch " + fresh.Epoch));
    }

    [Fact]
    public void An_unreadable_epoch_is_replaced_and_pending_events_keep_the_epoch_they_were_written_under()
    {
        using var dir = new TempDir();
        string first;
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
        {
            first = j.Epoch;
            for (var i = 0; i < 2; i++) j.Append(WithEpoch);
        }
        var path = Path.Combine(dir.Path, "events.epoch");
        File.WriteAllText(path, first[..15] + "x " + File.ReadAllText(path).Split(' ')[1]); // damaged
        var logger = new ListLogger();
        using var reopened = EventJournal.Open(dir.Path, 100, logger);
        Assert.NotEqual(first, reopened.Epoch);
        Assert.Contains(logger.Lines, l => l.Contains("epoch") && l.Contains("unreadable"));
        Assert.Equal(3, reopened.Append(WithEpoch)); // seq goes on: the log and cursor are intact
        var entries = new List<JournalEntry>();
        while (reopened.TryPeek(out var e)) { entries.Add(e); reopened.Ack(e.Seq); }
        Assert.Equal([first, first, reopened.Epoch], entries.Select(e => e.Epoch));
    }

    [Fact]
    public void A_journal_from_before_epochs_gets_one_and_its_pending_events_stay_without()
    {
        using var dir = new TempDir();
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
            for (var i = 0; i < 2; i++) j.Append(Payload);
        File.Delete(Path.Combine(dir.Path, "events.epoch")); // as an older version left it
        var logger = new ListLogger();
        using var upgraded = EventJournal.Open(dir.Path, 100, logger);
        Assert.Matches("^[0-9a-f]{16}$", upgraded.Epoch);
        Assert.Contains(logger.Lines, l => l.Contains("older version"));
        Assert.True(upgraded.TryPeek(out var old));
        Assert.Null(old.Epoch);
        Assert.Equal(3, upgraded.Append(WithEpoch));
    }

    [Fact]
    public void Torn_tail_is_cut_off_and_logged_and_earlier_records_survive()
    {
        using var dir = new TempDir();
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
            for (var i = 0; i < 3; i++) j.Append(Payload);
        var log = Path.Combine(dir.Path, "events.log");
        var full = File.ReadAllBytes(log);
        File.WriteAllBytes(log, full[..^4]); // power cut in the middle of record 3

        var logger = new ListLogger();
        using var reopened = EventJournal.Open(dir.Path, 100, logger);
        Assert.Contains(logger.Lines, l => l.Contains("torn or corrupt"));
        Assert.Equal([1L, 2], Drain(reopened));
    }

    [Fact]
    public void Flipped_bit_is_detected_by_the_checksum()
    {
        using var dir = new TempDir();
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
            for (var i = 0; i < 3; i++) j.Append(Payload);
        var log = Path.Combine(dir.Path, "events.log");
        var bytes = File.ReadAllBytes(log);
        bytes[^2] ^= 0x01; // inside record 3's payload
        File.WriteAllBytes(log, bytes);
        using var reopened = EventJournal.Open(dir.Path, 100, new ListLogger());
        Assert.Equal([1L, 2], Drain(reopened));
    }

    [Fact]
    public void Unreadable_cursor_replays_rather_than_loses()
    {
        using var dir = new TempDir();
        using (var j = EventJournal.Open(dir.Path, 100, new ListLogger()))
        {
            for (var i = 0; i < 3; i++) j.Append(Payload);
            j.TryPeek(out var e);
            j.Ack(e.Seq);
        }
        File.WriteAllText(Path.Combine(dir.Path, "events.cursor"), "garbage");
        var logger = new ListLogger();
        using var reopened = EventJournal.Open(dir.Path, 100, logger);
        Assert.Contains(logger.Lines, l => l.Contains("unreadable"));
        Assert.Equal(3, reopened.PendingCount); // seq 1 again: a duplicate beats a loss
    }

    [Fact]
    public void Past_the_bound_the_oldest_are_dropped_counted_and_logged()
    {
        using var dir = new TempDir();
        var logger = new ListLogger();
        using (var j = EventJournal.Open(dir.Path, 10, logger))
        {
            for (var i = 0; i < 25; i++) j.Append(Payload);
            Assert.Equal(15, j.Dropped);
            Assert.Equal(10, j.PendingCount);
            Assert.Contains(logger.Lines, l => l.Contains("journal full"));
        }
        using var reopened = EventJournal.Open(dir.Path, 10, new ListLogger());
        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), Drain(reopened));
    }

    [Fact]
    public void Long_backlogs_are_compacted_without_losing_order()
    {
        using var dir = new TempDir();
        using var j = EventJournal.Open(dir.Path, 5000, new ListLogger());
        for (var i = 0; i < 3000; i++) j.Append(Payload);
        for (var i = 0; i < 2000; i++) { j.TryPeek(out var e); j.Ack(e.Seq); }
        var length = new FileInfo(Path.Combine(dir.Path, "events.log")).Length;
        Assert.True(length < 3000 * 20, $"log not compacted: {length} bytes");
        using var reopened = EventJournal.Open(dir.Path + "", 5000, new ListLogger());
        Assert.Equal(Enumerable.Range(2001, 1000).Select(i => (long)i), Drain(reopened));
    }
}

public sealed class StateSlotsTests
{
    private static StateMessage M(string topic, string payload) => new(topic, Encoding.UTF8.GetBytes(payload), true, null);

    [Fact]
    public void Latest_wins_per_topic_while_offline()
    {
        var slots = new StateSlots();
        for (var i = 0; i < 10; i++) slots.Set(M("a", $"a{i}"));
        slots.Set(M("b", "b0"));
        var batch = slots.TakeDirty();
        Assert.Equal(["a", "b"], batch.Select(m => m.Topic));
        Assert.Equal("a9", Encoding.UTF8.GetString(batch[0].Payload));
        Assert.Empty(slots.TakeDirty());
    }

    [Fact]
    public void Reconnect_republishes_everything_and_failed_sends_are_retried_with_the_newest_payload()
    {
        var slots = new StateSlots();
        slots.Set(M("a", "1"));
        slots.Set(M("b", "1"));
        var sent = slots.TakeDirty();
        slots.MarkAllDirty();
        Assert.Equal(2, slots.DirtyCount);
        var failed = slots.TakeDirty();
        slots.Set(M("a", "2"));
        slots.Restore(failed);
        var retry = slots.TakeDirty();
        Assert.Equal(2, retry.Count);
        Assert.Equal("2", Encoding.UTF8.GetString(retry.Single(m => m.Topic == "a").Payload));
    }
}

public sealed class EventMessageTests
{
    [Theory]
    [InlineData(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce, MQTTnet.Protocol.MqttQualityOfServiceLevel.ExactlyOnce)] // property absent
    [InlineData(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)] // e.g. AWS IoT Core
    [InlineData(MQTTnet.Protocol.MqttQualityOfServiceLevel.ExactlyOnce, MQTTnet.Protocol.MqttQualityOfServiceLevel.ExactlyOnce)]
    public void Events_use_qos_2_unless_the_broker_caps_at_1(MQTTnet.Protocol.MqttQualityOfServiceLevel brokerMaximum, MQTTnet.Protocol.MqttQualityOfServiceLevel expected) =>
        Assert.Equal(expected, MqttTelemetry.EventQos(brokerMaximum));

    [Fact]
    public void An_event_carries_its_id_as_user_properties_and_its_journal_bytes_unchanged()
    {
        using var dir = new TempDir();
        var agent = Samples.Agent(Samples.Options("mqtt://127.0.0.1:1", dir.Sub("journal"), dir.Path), node: "pi-7");
        var payload = Encoding.UTF8.GetBytes("""{"v":1,"seq":123456789012,"epoch":"0123456789abcdef"}""");
        var message = agent.EventMessage(new JournalEntry(123456789012, payload, "0123456789abcdef"));

        Assert.Equal("edgescaler/test/events", message.Topic);
        Assert.Equal(MQTTnet.Protocol.MqttQualityOfServiceLevel.ExactlyOnce, message.QualityOfServiceLevel);
        Assert.False(message.Retain);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.Equal(["node=pi-7", "seq=123456789012", "epoch=0123456789abcdef"], message.UserProperties.Select(p => $"{p.Name}={p.ReadValueAsString()}"));

        // An event journaled before epochs existed has none in its payload, so it gets no epoch property either.
        var old = agent.EventMessage(new JournalEntry(7, Encoding.UTF8.GetBytes("""{"v":1,"seq":7}"""), null));
        Assert.Equal(["node=pi-7", "seq=7"], old.UserProperties.Select(p => $"{p.Name}={p.ReadValueAsString()}"));
    }
}
