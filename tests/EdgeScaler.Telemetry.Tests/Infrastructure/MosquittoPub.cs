namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using System.Diagnostics;

/// <summary>Publishes one message with the real `mosquitto_pub` (MQTT 5, QoS 1), optionally with response topic and correlation data.</summary>
public static class MosquittoPub
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> PublishAsync(Mosquitto broker, string topic, string? message = null, (string User, string Password)? user = null,
        string? responseTopic = null, string? correlation = null, string? file = null, bool retain = false)
    {
        var (u, p) = user ?? Mosquitto.Operator;
        var args = new List<string> { "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-u", u, "-P", p, "-V", "mqttv5", "-q", "1", "-t", topic, "-d" };
        if (file is not null) args.AddRange(["-f", file]);
        else if (message is null) args.Add("-n");
        else args.AddRange(["-m", message]);
        if (retain) args.Add("-r");
        if (responseTopic is not null) args.AddRange(["-D", "publish", "response-topic", responseTopic]);
        if (correlation is not null) args.AddRange(["-D", "publish", "correlation-data", correlation]);
        var psi = new ProcessStartInfo("mosquitto_pub", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return new Result(process.ExitCode, await stdout + await stderr);
    }
}
