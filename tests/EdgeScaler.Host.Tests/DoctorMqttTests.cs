namespace EdgeScaler.Host.Tests;

using System.Runtime.InteropServices;
using EdgeScaler.Host.Commands;
using EdgeScaler.Host.Doctor;
using EdgeScaler.Telemetry;
using EdgeScaler.TestKit;

/// <summary>`edgescaler doctor`'s `mqtt` check against a real mosquitto with a password file, started per test.</summary>
public sealed class DoctorMqttTests : IAsyncLifetime
{
    private static readonly MqttLogin Agent = new("agent", "agent-secret");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("es-doctor-mqtt-");
    private MosquittoBroker _broker = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = [Agent] });
        _port = _broker.Port;
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private TelemetryOptions Options(string uri, string? password = null)
    {
        var file = Path.Combine(_dir.FullName, "mqtt-password");
        File.WriteAllText(file, (password ?? Agent.Password) + "\n");
        return new TelemetryOptions { BrokerUri = uri, Username = Agent.User, PasswordFile = file, Cluster = "home" };
    }

    [Fact]
    public void Good_broker_and_credentials_pass_without_taking_over_the_agents_session()
    {
        var c = MqttChecks.Broker(Options($"mqtt://127.0.0.1:{_port}"));
        Assert.True(c.Status == CheckStatus.Pass, c.ToLine());
        Assert.Contains($"connected to mqtt://127.0.0.1:{_port} as agent", c.Message);
        var log = _broker.ReadLog();
        Assert.Matches(@"New client connected from 127\.0\.0\.1:\d+ as edgescaler-home-.+-doctor \(p5, c1", log); // own id, clean start
        Assert.DoesNotContain("Will message specified", log); // a check never announces the node offline
    }

    [Fact]
    public void Wrong_port_fails_with_the_host_and_port_fix()
    {
        var c = MqttChecks.Broker(Options($"mqtt://127.0.0.1:{LoopbackPort.Free()}"));
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.Contains("cannot open a TCP connection", c.Message);
        Assert.Contains("host and port in mqtt.brokerUri", c.Fix);
    }

    [Fact]
    public void Bad_password_fails_with_the_brokers_connack_reason_and_the_credentials_fix()
    {
        var c = MqttChecks.Broker(Options($"mqtt://127.0.0.1:{_port}", password: "wrong"));
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.Matches("refused the connection as agent: (BadUserNameOrPassword|NotAuthorized)", c.Message);
        Assert.Contains("mqtt.passwordFile", c.Fix);
    }

    [Fact]
    public void Tls_against_a_plain_listener_fails_as_a_tls_problem()
    {
        var c = MqttChecks.Broker(Options($"mqtts://127.0.0.1:{_port}"));
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.True(c.Message.Contains("TLS handshake failed"), c.ToLine());
        Assert.Contains("TLS listener", c.Fix);
    }

    [Fact]
    public void Missing_password_file_is_a_settings_failure_not_a_network_one()
    {
        var options = Options($"mqtt://127.0.0.1:{_port}");
        options.PasswordFile = Path.Combine(_dir.FullName, "no-such-file");
        var c = MqttChecks.Broker(options);
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.Contains("cannot set up the connection", c.Message);
        Assert.Contains("no-such-file", c.Message);
    }

    [Theory]
    [InlineData("""{"mqtt":{"enabled":false,"brokerUri":"mqtt://127.0.0.1:1"}}""", "skipped")]
    [InlineData("""{}""", "no broker configured")]
    public void Without_a_broker_the_check_is_skipped(string json, string expected)
    {
        var config = Path.Combine(_dir.FullName, "edgescaler.json");
        File.WriteAllText(config, json);
        var c = Assert.Single(DoctorCommand.Run(config, RepoPaths.Of("boards/rpi-4b/fixture"), Architecture.Arm64, Architecture.Arm64, DateTimeOffset.UtcNow), x => x.Name == "mqtt");
        Assert.Equal(CheckStatus.Pass, c.Status);
        Assert.Contains(expected, c.Message);
    }

    [Fact]
    public void Doctor_reads_the_mqtt_section_of_the_config_file()
    {
        var options = Options($"mqtt://127.0.0.1:{_port}", password: "wrong");
        var config = Path.Combine(_dir.FullName, "edgescaler.json");
        File.WriteAllText(config, $$$"""{"mqtt":{"brokerUri":"mqtt://127.0.0.1:{{{_port}}}","username":"agent","passwordFile":"{{{options.PasswordFile}}}"}}""");
        var c = Assert.Single(DoctorCommand.Run(config, RepoPaths.Of("boards/rpi-4b/fixture"), Architecture.Arm64, Architecture.Arm64, DateTimeOffset.UtcNow), x => x.Name == "mqtt");
        Assert.Equal(CheckStatus.Fail, c.Status);
        Assert.Contains("refused the connection as agent", c.Message);
    }
}
