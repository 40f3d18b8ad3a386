namespace EdgeScaler.Telemetry.Tests;

using System.Text;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Telemetry.Payloads;
using EdgeScaler.Telemetry.Tests.Infrastructure;

public sealed class TopicSchemaTests
{
    private readonly TopicSchema _t = new("edgescaler/home", "pi-1");

    [Fact]
    public void Builds_documented_topics()
    {
        Assert.Equal("edgescaler/home/pi-1/availability", _t.Availability);
        Assert.Equal("edgescaler/home/pi-1/state", _t.NodeState);
        Assert.Equal("edgescaler/home/events", _t.Events);
        Assert.Equal("edgescaler/home/scaler/default/web/state", _t.ScalerState(new HpaRef("default", "web")));
        Assert.Equal("edgescaler/home/scaler/+/+/set", _t.CommandFilter);
    }

    [Theory]
    [InlineData("edgescaler/home/scaler/default/web/set", true, "default/web")]
    [InlineData("edgescaler/home/scaler/default/web/state", false, null)]
    [InlineData("edgescaler/home/scaler/default/set", false, null)]
    [InlineData("edgescaler/home/scaler/a/b/c/set", false, null)]
    [InlineData("edgescaler/other/scaler/default/web/set", false, null)]
    [InlineData("edgescaler/home/scaler//web/set", false, null)]
    public void Parses_command_topics_strictly(string topic, bool ok, string? hpa)
    {
        Assert.Equal(ok, _t.TryParseCommandTopic(topic, out var parsed));
        if (ok) Assert.Equal(hpa, parsed.ToString());
    }

    [Theory]
    [InlineData("edgescaler/home", true)]
    [InlineData("a", true)]
    [InlineData("/edgescaler", false)]
    [InlineData("edgescaler/", false)]
    [InlineData("edge/+/x", false)]
    [InlineData("edge/#", false)]
    [InlineData("a//b", false)]
    [InlineData("", false)]
    public void Validates_prefixes(string prefix, bool ok) => Assert.Equal(ok, TopicSchema.IsValidPrefix(prefix));
}

public sealed class PayloadTests
{
    [Fact]
    public void Node_state_without_sensors_or_usage_leaves_fields_out_and_matches_the_docs()
    {
        var thermal = new NodeThermal("pi-1", Samples.T0, [], null, null, null, null, ThermalState.Unknown);
        var json = Encoding.UTF8.GetString(PayloadFactory.ToJson(PayloadFactory.NodeState(thermal, null, 0)));
        Assert.Equal("""{"v":1,"ts":"2026-11-27T12:00:00+00:00","node":"pi-1","thermal":"unknown","pods":0}""", json);
        DocumentedSchema.AssertMatches("node-state", json);
    }

    [Fact]
    public void Repeated_zone_types_are_kept_apart()
    {
        var thermal = new NodeThermal("n", Samples.T0, [new("cpu-thermal", 50), new("cpu-thermal", 52.26)], 52.26, null, null, null, ThermalState.Cool);
        var p = PayloadFactory.NodeState(thermal, null, 1);
        Assert.Equal(50, p.Zones!["cpu-thermal"]);
        Assert.Equal(52.3, p.Zones["cpu-thermal-2"]);
    }

    [Fact]
    public void Every_throttle_bit_maps_to_its_name()
    {
        var names = new[] { (0x1u, "under_voltage"), (0x2u, "freq_capped"), (0x4u, "throttled"), (0x8u, "soft_temp_limit") };
        foreach (var (bit, name) in names)
        {
            var now = PayloadFactory.Throttle(ThrottleFlags.FromBits(bit));
            Assert.Equal(name == "under_voltage", now.UnderVoltage);
            Assert.Equal(name == "freq_capped", now.FreqCapped);
            Assert.Equal(name == "throttled", now.Throttled);
            Assert.Equal(name == "soft_temp_limit", now.SoftTempLimit);
            Assert.Empty(now.SinceBoot);
            var since = PayloadFactory.Throttle(ThrottleFlags.FromBits(bit << 16));
            Assert.Equal([name], since.SinceBoot);
            Assert.Equal($"0x{bit << 16:x}", since.Bits);
        }
    }

    [Fact]
    public void Override_events_and_replies_match_the_docs()
    {
        var hpa = new HpaRef("default", "web");
        var request = OverrideRequest.Pin(hpa, 3, TimeSpan.FromMinutes(30), false, OverrideSource.Panel, Samples.T0);
        var result = new OverrideResult(true, "pinned to 3", 3, Samples.T0.AddMinutes(30));
        var ev = PayloadFactory.OverrideEvent("pi-1", request, result, Samples.T0);
        ev.Seq = 7;
        var json = Encoding.UTF8.GetString(PayloadFactory.ToJson(ev));
        DocumentedSchema.AssertMatches("event-override", json);
        Assert.Contains("\"source\":\"panel\"", json);
        DocumentedSchema.AssertMatches("reply-accepted", Encoding.UTF8.GetString(PayloadFactory.ToJson(PayloadFactory.Reply(hpa, request, result))));
        DocumentedSchema.AssertMatches("reply-rejected", Encoding.UTF8.GetString(PayloadFactory.ToJson(PayloadFactory.Reply(hpa, null, OverrideResult.Rejected("no")))));
    }

    [Fact]
    public void Every_mode_and_thermal_state_in_payloads_is_documented_for_home_assistant()
    {
        foreach (var mode in Enum.GetValues<ScaleMode>()) Assert.Contains(mode.ToWire(), EdgeScaler.Telemetry.Discovery.HomeAssistantDiscovery.Modes);
        foreach (var state in Enum.GetValues<ThermalState>()) Assert.Contains(state.ToWire(), EdgeScaler.Telemetry.Discovery.HomeAssistantDiscovery.ThermalStates);
    }
}

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_derive_prefix_client_id_and_expiry()
    {
        var o = new TelemetryOptions { Cluster = "home" };
        Assert.Empty(o.Validate());
        Assert.Equal("edgescaler/home", o.GetPrefix());
        Assert.Equal("edgescaler-home-pi-1", o.GetClientId("pi-1"));
        Assert.Equal(TimeSpan.FromSeconds(60), o.GetStateExpiry());
        Assert.False(o.Discovery);
        Assert.Equal("homeassistant", o.DiscoveryPrefix);
    }

    [Fact]
    public void Reports_each_problem_in_one_line()
    {
        var o = new TelemetryOptions
        {
            BrokerUri = "http://x", Prefix = "a/#", Interval = TimeSpan.Zero, ClientCertFile = "/nonexistent.crt",
            CaFile = "/nonexistent-ca.crt", ReconnectMin = TimeSpan.FromSeconds(10), ReconnectMax = TimeSpan.FromSeconds(1),
        };
        var keys = o.Validate().Select(p => p.Key).ToList();
        Assert.Equal(["brokerUri", "prefix", "interval", "reconnectMax", "clientKeyFile", "caFile", "clientCertFile"], keys);
        Assert.All(o.Validate(), p => Assert.False(string.IsNullOrWhiteSpace(p.Expected)));
    }

    [Fact]
    public void Response_topics_cannot_point_into_our_own_topics()
    {
        var agent = Samples.Agent(new TelemetryOptions { Cluster = "test" });
        Assert.True(agent.IsAcceptableResponseTopic("replies/op"));
        Assert.True(agent.IsAcceptableResponseTopic("edgescaler/test/replies/x"));
        Assert.False(agent.IsAcceptableResponseTopic("edgescaler/test/pi-1/state"));
        Assert.False(agent.IsAcceptableResponseTopic("edgescaler/test/events"));
        Assert.False(agent.IsAcceptableResponseTopic("homeassistant/device/x/config"));
        Assert.False(agent.IsAcceptableResponseTopic("replies/#"));
        Assert.False(agent.IsAcceptableResponseTopic("$SYS/x"));
    }
}

public sealed class StartupTests
{
    [Fact]
    public async Task Without_a_broker_telemetry_stays_off_and_touches_no_disk()
    {
        using var dir = new TempDir();
        var journal = Path.Combine(dir.Path, "never-created");
        var log = new ListLogger();
        await using var agent = Samples.Agent(new TelemetryOptions { JournalPath = journal }, logger: log);
        await agent.StartAsync();
        agent.PublishDecision(Samples.Decision("default", "web", 1, 2));
        Assert.False(Directory.Exists(journal));
        Assert.Contains(log.Lines, l => l.Contains("MQTT telemetry off: no broker configured"));
    }

    [Fact]
    public async Task Unusable_journal_path_is_one_clear_error_not_a_crash()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "a-file");
        File.WriteAllText(file, "x");
        var log = new ListLogger();
        await using var agent = Samples.Agent(new TelemetryOptions { BrokerUri = "mqtt://127.0.0.1:1", JournalPath = Path.Combine(file, "journal") }, logger: log);
        await agent.StartAsync();
        agent.PublishDecision(Samples.Decision("default", "web", 1, 2));
        Assert.Single(log.Lines, l => l.StartsWith("Error: MQTT telemetry off: event journal"));
    }
}
