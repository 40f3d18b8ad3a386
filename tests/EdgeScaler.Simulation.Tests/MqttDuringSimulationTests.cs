namespace EdgeScaler.Simulation.Tests;

using System.Text.RegularExpressions;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.TestKit;
using static EdgeScaler.Simulation.Tests.SimulationWait;

/// <summary>
/// MQTT telemetry of a running simulation, watched with the real mosquitto clients: the embedded broker by default, an
/// external real mosquitto with --mqtt; commands and panel key presses pin replicas in the simulated cluster.
/// </summary>
public partial class MqttDuringSimulationTests
{
    private const string Prefix = "edgescaler/sim";

    [Fact]
    public async Task Real_mosquitto_clients_on_the_embedded_broker_see_telemetry_and_pin_replicas_with_a_command_and_a_panel_key()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"sim-mqtt-{Guid.NewGuid():N}");
        var output = new ConcurrentWriter();
        var error = new ConcurrentWriter();
        var keys = new TypedKeys();
        // 15 simulated minutes at 60× ≈ 15 s of wall time: the test talks to it while it runs.
        var options = new SimulationOptions { Duration = TimeSpan.FromMinutes(15), Speed = 60, OutDir = outDir, NoCompare = true };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = new SimulationHost(options, RealParts.Create(), output, error, interactive: false) { Keys = keys }.RunAsync(cancel.Token);
        MosquittoSub? sub = null;
        try
        {
            var port = int.Parse(await WaitFor(() => EmbeddedBroker().Match(output.Text) is { Success: true } m ? m.Groups[1].Value : null, run));
            sub = await MosquittoSub.StartAsync(port, Prefix + "/#");

            // Retained state: every node's, the HPA's, and each node saying it is online.
            await sub.WaitUntilAsync(s => new[] { "pi4-1", "pi4-2", "pi4-3", "pi4-4" }.All(n =>
                s.Any(m => m.Topic == $"{Prefix}/{n}/state") && s.Any(m => m.Topic == $"{Prefix}/{n}/availability" && m.Payload == "online")), "node state and availability");
            var node = sub.Messages.Last(m => m.Topic == $"{Prefix}/pi4-1/state").Json;
            Assert.Equal("pi4-1", node.GetProperty("node").GetString());
            Assert.InRange(node.GetProperty("temp_c").GetDouble(), 20, 90);
            Assert.Contains(node.GetProperty("thermal").GetString(), new[] { "cool", "warm", "hot", "critical" });
            Assert.Equal(1_500_000, node.GetProperty("max_freq_khz").GetInt64());
            Assert.InRange(node.GetProperty("freq_khz").GetInt64(), 600_000, 1_500_000);
            Assert.StartsWith("0x", node.GetProperty("throttle").GetProperty("bits").GetString());
            var hpaState = (await sub.WaitUntilAsync(s => s.Any(m => m.Topic == $"{Prefix}/scaler/default/web/state"), "HPA state"))
                .Last(m => m.Topic == $"{Prefix}/scaler/default/web/state").Json;
            Assert.Equal("web", hpaState.GetProperty("hpa").GetString());
            Assert.Equal("auto", hpaState.GetProperty("mode").GetString());

            // A command pins 5 replicas: an override event, a scale event, and the HPA state says so.
            await MosquittoPub.PublishAsync(port, $"{Prefix}/scaler/default/web/set", """{"replicas":5}""");
            await sub.WaitUntilAsync(s => s.Any(m => IsEvent(m, "override", "mqtt", "accepted", 5)), "the accepted override event");
            var scale = (await sub.WaitUntilAsync(s => s.Any(m => IsScaleTo(m, 5, "override")), "a scale event to 5 replicas")).First(m => IsScaleTo(m, 5, "override")).Json;
            Assert.Equal("default/web", scale.GetProperty("hpa").GetString());
            await sub.WaitUntilAsync(s => s.Any(m => m.Topic == $"{Prefix}/scaler/default/web/state" && m.Json.GetProperty("desired").GetInt32() == 5
                && m.Json.GetProperty("mode").GetString() == "override"), "HPA state pinned at 5");

            // The panel's up key pins one more, through the real debounce, gestures and controller.
            keys.Type('u');
            await sub.WaitUntilAsync(s => s.Any(m => IsEvent(m, "override", "panel", "accepted", 6)), "the panel's override event", 60);
            await sub.WaitUntilAsync(s => s.Any(m => IsScaleTo(m, 6, "override")), "a scale event to 6 replicas");

            // Bad commands are refused with a reason and change nothing.
            await MosquittoPub.PublishAsync(port, $"{Prefix}/scaler/default/web/set", """{"replicas":99}""");
            await sub.WaitUntilAsync(s => s.Any(m => m.Topic == $"{Prefix}/events" && Str(m, "result") == "rejected"
                && Str(m, "reason")!.Contains("outside [2, 16]")), "the refusal of 99 replicas");

            Assert.Equal(0, await run);
            Assert.Contains("rejected: replicas 99 is outside [2, 16] of default/web", error.Text);
            Assert.Contains("override from mqtt: default/web pin at 5 — pinned at 5", output.Text);
            Assert.Contains("override from panel: default/web pin at 6 — pinned at 6", output.Text);
            Assert.Matches(@"MQTT: +[0-9]+ state and [0-9]+ event messages published to mqtt://127\.0\.0\.1:", output.Text);
            // Stopping says offline on purpose (a clean disconnect sends no Will).
            await sub.WaitUntilAsync(s => s.Any(m => m.Topic == $"{Prefix}/pi4-3/availability" && m.Payload == "offline"), "offline at the end");

            // The timeline shows the pins as the real Scaler applied them, and the amber LED lit exactly while pinned.
            var timeline = new Timeline(File.ReadAllText(Path.Combine(outDir, "timeline.csv")));
            var pinned = timeline.Rows.Where(r => timeline.Get(r, "default/web_reason").StartsWith("override from", StringComparison.Ordinal)).ToList();
            Assert.Contains(pinned, r => timeline.Get(r, "default/web_desired") == "5" && timeline.Get(r, "default/web_reason") == "override from mqtt pins 5");
            Assert.Contains(pinned, r => timeline.Get(r, "default/web_desired") == "6" && timeline.Get(r, "default/web_reason") == "override from panel pins 6");
            Assert.Equal("6", timeline.Get(timeline.Rows[^1], "default/web_desired"));
            Assert.All(timeline.Rows, r => Assert.Equal(timeline.Get(r, "default/web_reason").StartsWith("override from", StringComparison.Ordinal), timeline.Get(r, "led_amber") == "on"));
        }
        finally
        {
            cancel.Cancel();
            try { await run; } catch (OperationCanceledException) { }
            if (sub is not null) await sub.DisposeAsync();
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public async Task An_external_mosquitto_given_with_mqtt_receives_every_scale_event_and_mqtt_changes_nothing_in_the_timeline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker.Port, Prefix + "/#");
        var dirs = new[] { Path.Combine(Path.GetTempPath(), $"sim-ext-{Guid.NewGuid():N}"), Path.Combine(Path.GetTempPath(), $"sim-nomqtt-{Guid.NewGuid():N}") };
        try
        {
            // The spike starts at 30 min: 40 minutes hold several scale-ups.
            var output = new ConcurrentWriter();
            var withMqtt = new SimulationOptions { Duration = TimeSpan.FromMinutes(40), OutDir = dirs[0], NoCompare = true, Mqtt = broker.Uri };
            Assert.Equal(0, await new SimulationHost(withMqtt, RealParts.Create(), output, new ConcurrentWriter(), false).RunAsync(CancellationToken.None));
            Assert.Contains($"MQTT: {broker.Uri}  (mosquitto_sub -h 127.0.0.1 -p {broker.Port} -t 'edgescaler/sim/#' -v)", output.Text);

            var withoutMqtt = new SimulationOptions { Duration = TimeSpan.FromMinutes(40), OutDir = dirs[1], NoCompare = true, NoMqtt = true };
            var quiet = new ConcurrentWriter();
            Assert.Equal(0, await new SimulationHost(withoutMqtt, RealParts.Create(), quiet, new ConcurrentWriter(), false).RunAsync(CancellationToken.None));
            Assert.DoesNotContain("MQTT", quiet.Text);

            var csv = File.ReadAllText(Path.Combine(dirs[0], "timeline.csv"));
            Assert.Equal(csv, File.ReadAllText(Path.Combine(dirs[1], "timeline.csv")));

            // One scale event per change of spec.replicas in the timeline, each delivered (QoS 1; a redelivery keeps its seq).
            var timeline = new Timeline(csv);
            var changes = new List<(int From, int To)>();
            var current = 2;
            foreach (var r in timeline.Rows)
            {
                var desired = int.Parse(timeline.Get(r, "default/web_desired"));
                if (desired != current) changes.Add((current, desired));
                current = desired;
            }
            Assert.True(changes.Count >= 3, $"the spike should rescale several times, saw {changes.Count}");
            var seen = await sub.WaitUntilAsync(s => ScaleEvents(s).Count >= changes.Count
                && Enumerable.Range(1, 4).All(i => s.Any(m => m.Topic == $"{Prefix}/pi4-{i}/availability" && m.Payload == "offline")), $"{changes.Count} scale events and offline");
            Assert.Equal(changes, ScaleEvents(seen));
            foreach (var n in new[] { "pi4-1", "pi4-2", "pi4-3", "pi4-4" })
                Assert.Contains(seen, m => m.Topic == $"{Prefix}/{n}/state" && m.Json.GetProperty("pods").GetInt32() >= 0);
            Assert.Contains(seen, m => m.Topic == $"{Prefix}/scaler/default/web/state" && m.Json.GetProperty("desired").GetInt32() == current);
        }
        finally
        {
            foreach (var d in dirs) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }

    [Fact]
    public async Task An_unreachable_external_broker_is_reported_and_the_simulation_still_finishes()
    {
        var port = LoopbackPort.Free();
        var dir = Path.Combine(Path.GetTempPath(), $"sim-nobroker-{Guid.NewGuid():N}");
        var output = new ConcurrentWriter();
        var error = new ConcurrentWriter();
        try
        {
            var options = new SimulationOptions { Duration = TimeSpan.FromMinutes(5), OutDir = dir, NoCompare = true, Mqtt = $"mqtt://127.0.0.1:{port}" };
            Assert.Equal(0, await new SimulationHost(options, RealParts.Create(), output, error, false).RunAsync(CancellationToken.None));
            Assert.Contains($"MQTT: mqtt://127.0.0.1:{port} does not answer yet; telemetry keeps retrying in the background", output.Text);
            Assert.Contains($"mqtt: MQTT broker mqtt://127.0.0.1:{port} unavailable", error.Text);
            Assert.True(File.Exists(Path.Combine(dir, "timeline.csv")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    private static string? Str(ReceivedMessage m, string field) =>
        m.Json.TryGetProperty(field, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;

    private static int? Int(ReceivedMessage m, string field) =>
        m.Json.TryGetProperty(field, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetInt32() : null;

    private static bool IsEvent(ReceivedMessage m, string type, string source, string result, int replicas) =>
        m.Topic == $"{Prefix}/events" && Str(m, "type") == type && Str(m, "source") == source && Str(m, "result") == result && Int(m, "replicas") == replicas;

    private static bool IsScaleTo(ReceivedMessage m, int to, string mode) =>
        m.Topic == $"{Prefix}/events" && Str(m, "type") == "scale" && Int(m, "to") == to && Str(m, "mode") == mode;

    /// <summary>(from, to) of each scale event that changed the count, in seq order, redeliveries dropped.</summary>
    private static List<(int From, int To)> ScaleEvents(IReadOnlyList<ReceivedMessage> seen) =>
        [.. seen.Where(m => m.Topic == $"{Prefix}/events" && Str(m, "type") == "scale" && Int(m, "from") != Int(m, "to"))
            .DistinctBy(m => m.Json.GetProperty("seq").GetInt64()).OrderBy(m => m.Json.GetProperty("seq").GetInt64())
            .Select(m => (Int(m, "from")!.Value, Int(m, "to")!.Value))];

    [GeneratedRegex(@"MQTT: mqtt://127\.0\.0\.1:([0-9]+) \(embedded broker\)")]
    private static partial Regex EmbeddedBroker();
}
