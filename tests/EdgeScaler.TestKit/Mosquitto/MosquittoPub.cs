namespace EdgeScaler.TestKit;

/// <summary>Publishes one message with the real `mosquitto_pub` (MQTT 5, QoS 1), optionally with response topic and correlation data.</summary>
public static class MosquittoPub
{
    /// <summary>What mosquitto_pub said: its exit code and its stdout and stderr (-d debug lines included).</summary>
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Publishes and fails unless mosquitto_pub exits 0.</summary>
    public static async Task PublishAsync(int port, string topic, string? message = null, MqttLogin? login = null,
        string? responseTopic = null, string? correlation = null, string? file = null, bool retain = false)
    {
        var result = await TryPublishAsync(port, topic, message, login, responseTopic, correlation, file, retain);
        if (result.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"mosquitto_pub to {topic} failed ({result.ExitCode}): {result.Output}");
    }

    public static Task PublishAsync(MosquittoBroker broker, string topic, string? message = null, MqttLogin? login = null,
        string? responseTopic = null, string? correlation = null, string? file = null, bool retain = false) =>
        PublishAsync(broker.Port, topic, message, login, responseTopic, correlation, file, retain);

    /// <summary>Publishes and returns what happened, for tests that expect the broker to refuse.</summary>
    public static async Task<Result> TryPublishAsync(int port, string topic, string? message = null, MqttLogin? login = null,
        string? responseTopic = null, string? correlation = null, string? file = null, bool retain = false)
    {
        var args = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(), "-V", "mqttv5", "-q", "1", "-t", topic, "-d" };
        if (login is not null) args.AddRange(["-u", login.User, "-P", login.Password]);
        if (file is not null) args.AddRange(["-f", file]);
        else if (message is null) args.Add("-n");
        else args.AddRange(["-m", message]);
        if (retain) args.Add("-r");
        if (responseTopic is not null) args.AddRange(["-D", "publish", "response-topic", responseTopic]);
        if (correlation is not null) args.AddRange(["-D", "publish", "correlation-data", correlation]);
        using var process = ExternalTool.Start("mosquitto_pub", "mosquitto-clients", args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return new Result(process.ExitCode, await stdout + await stderr);
    }

    public static Task<Result> TryPublishAsync(MosquittoBroker broker, string topic, string? message = null, MqttLogin? login = null,
        string? responseTopic = null, string? correlation = null, string? file = null, bool retain = false) =>
        TryPublishAsync(broker.Port, topic, message, login, responseTopic, correlation, file, retain);
}
