namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using Microsoft.Extensions.Logging;

/// <summary>Sample inputs and agent construction shared by the tests.</summary>
public static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static NodeThermal Thermal(string node = "pi-1", double temp = 61.24, ThermalState state = ThermalState.Warm, uint bits = 0x50000) => new(
        node, T0, [new ZoneTemperature("cpu-thermal", temp), new ZoneTemperature("gpu-thermal", temp - 3)], temp,
        ThrottleFlags.FromBits(bits), 1_500_000, 1_800_000, state);

    public static NodeUsage Usage(string node = "pi-1") => new(node, T0, TimeSpan.FromSeconds(15), new ResourceUsage(830_000_000, 1_234_567_890));

    public static ScaleDecision Decision(string ns, string name, int current, int desired, ScaleMode mode = ScaleMode.Auto, string reason = "cpu 92% of 70% target") =>
        new(new HpaRef(ns, name), T0, current, desired, desired, mode, reason);

    public static TelemetryOptions Options(string brokerUri, string journalDir, string passwordDir)
    {
        var passwordFile = Path.Combine(passwordDir, "mqtt-password");
        File.WriteAllText(passwordFile, TelemetryBroker.Agent.Password + "\n");
        return new TelemetryOptions
        {
            BrokerUri = brokerUri,
            Cluster = "test",
            Username = TelemetryBroker.Agent.User,
            PasswordFile = passwordFile,
            JournalPath = journalDir,
            ReconnectMin = TimeSpan.FromMilliseconds(50),
            ReconnectMax = TimeSpan.FromMilliseconds(500),
            KeepAlive = TimeSpan.FromSeconds(5),
        };
    }

    public static MqttTelemetry Agent(TelemetryOptions options, string node = "pi-1", InMemoryOverrideSink? sink = null,
        StaticHpaCatalog? catalog = null, SwitchLeadership? leader = null, ILogger? logger = null) =>
        new(options, node, sink, catalog ?? (sink is null ? null : DefaultCatalog), leader, TimeProvider.System, logger ?? new ListLogger(), "0.1.0-test");

    public static readonly StaticHpaCatalog DefaultCatalog = new(("default", "web", 1, 10), ("shop", "api", 2, 6));
}
