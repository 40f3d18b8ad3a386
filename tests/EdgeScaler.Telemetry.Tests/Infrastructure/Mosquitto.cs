namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

/// <summary>
/// A real mosquitto on free loopback ports with a generated config: password file (mosquitto_passwd), ACL,
/// a plain listener and a TLS listener that requires a client certificate, persistence in its own directory.
/// Stop/Restart keep ports and persistence so a restart looks like a real broker restart. Dispose kills it.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    public const string Prefix = "edgescaler/test";
    public static readonly (string User, string Password) Agent = ("agent", "agent-secret");
    public static readonly (string User, string Password) Operator = ("operator", "operator-secret");
    public static readonly (string User, string Password) Viewer = ("viewer", "viewer-secret");

    private readonly TempDir _dir = new("es-mosquitto");
    private Process? _process;

    private Mosquitto() { }

    public int Port { get; private set; }
    public int TlsPort { get; private set; }
    public TestPki Pki { get; private set; } = null!;
    public string Directory => _dir.Path;
    public string PlainUri => $"mqtt://127.0.0.1:{Port}";
    public string TlsUri => $"mqtts://localhost:{TlsPort}";
    public string LogFile => Path.Combine(_dir.Path, "mosquitto.log");
    public bool IsRunning => _process is { HasExited: false };

    public static async Task<Mosquitto> StartAsync()
    {
        var m = new Mosquitto();
        m.Port = FreePort();
        m.TlsPort = FreePort();
        m.Pki = TestPki.Create(m._dir.Path);
        m.WriteConfig();
        await m.LaunchAsync();
        return m;
    }

    private void WriteConfig()
    {
        var passwd = Path.Combine(_dir.Path, "passwd");
        File.WriteAllText(passwd, "");
        foreach (var (user, pw) in new[] { Agent, Operator, Viewer })
            Run("mosquitto_passwd", "-b", passwd, user, pw);
        var acl = Path.Combine(_dir.Path, "acl");
        File.WriteAllText(acl, $"""
            user {Agent.User}
            topic readwrite edgescaler/#
            topic readwrite homeassistant/#
            topic write replies/#

            user {Operator.User}
            topic read edgescaler/#
            topic write edgescaler/+/scaler/+/+/set
            topic read replies/#
            topic write homeassistant/status

            user {Viewer.User}
            topic read edgescaler/#
            topic read homeassistant/#
            topic read replies/#

            """);
        var persistence = Path.Combine(_dir.Path, "data") + "/";
        System.IO.Directory.CreateDirectory(persistence);
        File.WriteAllText(Path.Combine(_dir.Path, "mosquitto.conf"), $"""
            per_listener_settings false
            allow_anonymous false
            password_file {passwd}
            acl_file {acl}
            persistence true
            persistence_location {persistence}
            autosave_interval 1
            log_dest file {LogFile}
            log_type all
            user {Environment.UserName}
            max_queued_messages 100000

            listener {Port} 127.0.0.1
            protocol mqtt

            listener {TlsPort} 127.0.0.1
            protocol mqtt
            cafile {Pki.CaFile}
            certfile {Pki.ServerCertFile}
            keyfile {Pki.ServerKeyFile}
            require_certificate true

            """);
    }

    private async Task LaunchAsync()
    {
        var psi = new ProcessStartInfo("mosquitto", ["-c", Path.Combine(_dir.Path, "mosquitto.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {ReadLog()}");
            if (await Accepts(Port) && await Accepts(TlsPort)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"mosquitto did not listen on {Port}/{TlsPort}: {ReadLog()}");
    }

    /// <summary>SIGTERM: mosquitto saves its persistence file and exits, as in `systemctl restart mosquitto`.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _ = kill(_process.Id, 15);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public Task StartAgainAsync() => LaunchAsync();

    public string ReadLog()
    {
        try
        {
            using var f = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = new StreamReader(f).ReadToEnd();
            return text.Length > 4000 ? text[^4000..] : text;
        }
        catch (IOException) { return "(no log)"; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _dir.Dispose();
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<bool> Accepts(int port)
    {
        using var c = new TcpClient();
        try
        {
            await c.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    internal static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
