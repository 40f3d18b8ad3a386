namespace EdgeScaler.Telemetry.Tests;

using System.Text.Json;
using EdgeScaler.TestKit;
using EdgeScaler.Telemetry.Tests.Infrastructure;

public sealed class TlsTests
{
    [Fact]
    public async Task Connects_over_tls_with_the_server_ca_a_client_certificate_and_a_password()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker, "edgescaler/test/pi-1/#", TelemetryBroker.Viewer);
        var options = Samples.Options(broker.TlsUri, dir.Sub("journal"), dir.Path);
        options.CaFile = broker.Pki!.CaFile;
        options.ClientCertFile = broker.Pki!.ClientCertFile;
        options.ClientKeyFile = broker.Pki!.ClientKeyFile;
        await using var agent = Samples.Agent(options);
        await agent.StartAsync();
        agent.PublishNodeState(Samples.Thermal(), null, 3);

        var state = await sub.WaitForAsync(m => m.Topic.EndsWith("/state"), "state over TLS");
        Assert.Contains("\"pods\":3", state.Payload);
        Assert.Contains("New client connected", broker.ReadLog());
    }

    [Fact]
    public async Task Refuses_a_broker_whose_certificate_does_not_chain_to_the_configured_ca()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        var stranger = TestPki.Create(dir.Path, "stranger");
        var options = Samples.Options(broker.TlsUri, dir.Sub("journal"), dir.Path);
        options.CaFile = stranger.CaFile;
        options.ClientCertFile = broker.Pki!.ClientCertFile;
        options.ClientKeyFile = broker.Pki!.ClientKeyFile;
        var log = new ListLogger();
        await using var agent = Samples.Agent(options, logger: log);
        await agent.StartAsync();

        await log.WaitForAsync(l => l.Contains("unavailable"));
        Assert.Equal(0, agent.Stats.Connects);
        Assert.False(agent.Stats.Connected);
    }

    [Fact]
    public async Task Wrong_password_is_refused_and_reported()
    {
        using var dir = new TempDir();
        await using var broker = await TelemetryBroker.StartAsync();
        var options = Samples.Options(broker.Uri, dir.Sub("journal"), dir.Path);
        File.WriteAllText(options.PasswordFile!, "wrong\n");
        var log = new ListLogger();
        await using var agent = Samples.Agent(options, logger: log);
        await agent.StartAsync();

        await log.WaitForAsync(l => l.Contains("unavailable"));
        Assert.Equal(0, agent.Stats.Connects);
    }
}

public sealed class DiscoveryTests
{
    [Fact]
    public async Task Discovery_is_published_republished_on_home_assistant_birth_and_removed_when_disabled()
    {
        using var dir = new TempDir();
        var journal = dir.Sub("journal");
        await using var broker = await TelemetryBroker.StartAsync();
        await using var sub = await MosquittoSub.StartAsync(broker, "homeassistant/#", TelemetryBroker.Viewer);
        const string nodeConfig = "homeassistant/device/edgescaler_test_pi-1/config";
        const string hpaConfig = "homeassistant/device/edgescaler_test_default_web/config";

        var options = Samples.Options(broker.Uri, journal, dir.Path);
        options.Discovery = true;
        await using (var agent = Samples.Agent(options))
        {
            await agent.StartAsync();
            agent.PublishDecision(Samples.Decision("default", "web", 2, 2));
            await sub.WaitUntilAsync(ms => ms.Any(m => m.Topic == nodeConfig) && ms.Any(m => m.Topic == hpaConfig), "node and HPA configs");

            var node = sub.Messages.First(m => m.Topic == nodeConfig);
            DocumentedSchema.AssertMatches("discovery-node", node.Payload);
            var root = JsonDocument.Parse(node.Payload).RootElement;
            Assert.Equal("edgescaler/test/pi-1/state", root.GetProperty("state_topic").GetString());
            Assert.Equal(4, root.GetProperty("cmps").EnumerateObject().Count());
            DocumentedSchema.AssertMatches("discovery-node", sub.Messages.First(m => m.Topic == hpaConfig).Payload);

            // Home Assistant restarted: it says online, we announce again.
            var before = sub.Messages.Count(m => m.Topic == nodeConfig);
            await MosquittoPub.PublishAsync(broker, "homeassistant/status", "online", login: TelemetryBroker.Operator);
            await sub.WaitUntilAsync(ms => ms.Count(m => m.Topic == nodeConfig) > before, "republished discovery");
        }
        Assert.True(File.Exists(Path.Combine(journal, "discovery.json")));

        options.Discovery = false;
        await using (var agent = Samples.Agent(options))
        {
            await agent.StartAsync();
            await sub.WaitUntilAsync(ms => ms.Any(m => m.Topic == nodeConfig && m.Payload == "") && ms.Any(m => m.Topic == hpaConfig && m.Payload == ""), "configs deleted");
        }
        Assert.False(File.Exists(Path.Combine(journal, "discovery.json")));
    }
}

public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task Embedded_broker_on_loopback_serves_real_mqtt_clients()
    {
        using var dir = new TempDir();
        var options = new TelemetryOptions { Cluster = "test", EmbeddedBroker = true, EmbeddedBrokerPort = 0, JournalPath = dir.Sub("journal") };
        await using var agent = Samples.Agent(options);
        await agent.StartAsync();
        Assert.StartsWith("mqtt://127.0.0.1:", agent.BrokerUri);
        var port = new Uri(agent.BrokerUri!).Port;

        await using var sub = await MosquittoSub.StartAsync(port, "edgescaler/test/#", TelemetryBroker.Viewer);
        agent.PublishNodeState(Samples.Thermal(), Samples.Usage(), 5);
        var state = await sub.WaitForAsync(m => m.Topic == "edgescaler/test/pi-1/state", "state via embedded broker");
        DocumentedSchema.AssertMatches("node-state", state.Payload);
    }
}
