namespace EdgeScaler.Telemetry.Tests;

using System.Text.Json;
using EdgeScaler.Core.Scaling;
using EdgeScaler.TestKit;
using EdgeScaler.Telemetry.Tests.Infrastructure;

/// <summary>Availability, node state and HPA state against a real mosquitto, read back with mosquitto_sub.</summary>
public sealed class StateTopicsTests
{
    [Fact]
    public async Task Publishes_availability_node_state_and_hpa_state_retained_as_documented()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        var options = Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path);
        options.Interval = TimeSpan.FromSeconds(10);
        await using var events = await MosquittoSub.StartAsync(broker, "edgescaler/test/events", TelemetryBroker.Viewer);
        await using (var agent = Samples.Agent(options))
        {
            await agent.StartAsync();
            agent.PublishNodeState(Samples.Thermal(), Samples.Usage(), 17);
            agent.PublishDecision(Samples.Decision("default", "web", 2, 4, ScaleMode.ThermalHold, "hot node pi-1 holds scale-up"));

            // A late subscriber sees retained state: that is what Home Assistant does after a restart.
            await events.WaitForAsync(m => m.Topic == "edgescaler/test/events", "scale event");
            for (var i = 0; i < 500 && agent.Stats.StatesPublished < 2; i++) await Task.Delay(20);
            Assert.Equal(2, agent.Stats.StatesPublished);
            await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/#", TelemetryBroker.Viewer);
            var seen = await sub.WaitUntilAsync(ms =>
                ms.Any(m => m.Topic == "edgescaler/test/pi-1/availability") &&
                ms.Any(m => m.Topic == "edgescaler/test/pi-1/state") &&
                ms.Any(m => m.Topic == "edgescaler/test/scaler/default/web/state"), "retained state");

            var availability = seen.First(m => m.Topic == "edgescaler/test/pi-1/availability");
            Assert.Equal("online", availability.Payload);
            Assert.True(availability.Retain);

            var state = seen.First(m => m.Topic == "edgescaler/test/pi-1/state");
            Assert.True(state.Retain);
            Assert.InRange(int.Parse(state.Expiry), 1, 40); // 4 × interval, counted down by the broker
            DocumentedSchema.AssertMatches("node-state", state.Payload);
            using var json = JsonDocument.Parse(state.Payload);
            Assert.Equal(61.2, json.RootElement.GetProperty("temp_c").GetDouble());
            Assert.Equal("warm", json.RootElement.GetProperty("thermal").GetString());
            Assert.False(json.RootElement.GetProperty("throttled").GetBoolean());
            Assert.Equal("0x50000", json.RootElement.GetProperty("throttle").GetProperty("bits").GetString());
            Assert.Equal(830, json.RootElement.GetProperty("cpu_m").GetInt64());
            Assert.Equal(17, json.RootElement.GetProperty("pods").GetInt32());

            var hpa = seen.First(m => m.Topic == "edgescaler/test/scaler/default/web/state");
            Assert.True(hpa.Retain);
            DocumentedSchema.AssertMatches("scaler-state", hpa.Payload);
            using var hj = JsonDocument.Parse(hpa.Payload);
            Assert.Equal("thermal-hold", hj.RootElement.GetProperty("mode").GetString());
            Assert.Equal(4, hj.RootElement.GetProperty("desired").GetInt32());

            // The rescale is also an event, QoS 1 and not retained.
            var ev = await events.WaitForAsync(m => m.Topic == "edgescaler/test/events", "scale event");
            Assert.False(ev.Retain);
            Assert.Equal(1, ev.Qos);
            DocumentedSchema.AssertMatches("event-scale", ev.Payload);

            // Latest wins: a newer state replaces the retained one.
            agent.PublishNodeState(Samples.Thermal(temp: 70.06, state: EdgeScaler.Core.Thermal.ThermalState.Hot), Samples.Usage(), 18);
            await sub.WaitForAsync(m => m.Topic == "edgescaler/test/pi-1/state" && m.Payload.Contains("\"pods\":18"), "updated state");
        }

        // A clean stop says offline explicitly (no Will on a clean disconnect).
        await using var after = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/availability", TelemetryBroker.Viewer);
        var last = await after.WaitForAsync(m => m.Retain, "retained availability");
        Assert.Equal("offline", last.Payload);
    }
}
