namespace EdgeScaler.TestKit;

using System.Diagnostics;
using System.Runtime.InteropServices;

/// <summary>
/// A real mosquitto on a free loopback port (and a TLS one when asked) with a generated config in its own directory:
/// optional password file, ACL and persistence, a log file. StartAsync returns once it accepts connections.
/// StopAsync/StartAgainAsync keep ports and persistence, like `systemctl restart mosquitto`. Dispose kills it.
/// A missing mosquitto fails with the package to install (<see cref="ExternalTool"/>).
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly MosquittoBrokerOptions _options;
    private Process? _process;

    private MosquittoBroker(MosquittoBrokerOptions options)
    {
        _options = options;
        Directory = System.IO.Directory.CreateTempSubdirectory("es-mosquitto-").FullName;
    }

    public int Port { get; private set; }

    /// <summary>The TLS listener's port; 0 without <see cref="MosquittoBrokerOptions.TlsListener"/>.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The CA, server and client certificates of the TLS listener; null without one.</summary>
    public TestPki? Pki { get; private set; }

    public string Directory { get; }

    public string Uri => $"mqtt://127.0.0.1:{Port}";

    public string TlsUri => $"mqtts://localhost:{TlsPort}";

    public string LogFile => Path.Combine(Directory, "mosquitto.log");

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null)
    {
        var broker = new MosquittoBroker(options ?? new MosquittoBrokerOptions());
        try
        {
            broker.Port = LoopbackPort.Free();
            if (broker._options.TlsListener)
            {
                broker.TlsPort = LoopbackPort.Free();
                broker.Pki = TestPki.Create(broker.Directory);
            }
            await broker.WriteConfigAsync();
            await broker.LaunchAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    private string ConfigFile => Path.Combine(Directory, "mosquitto.conf");

    private async Task WriteConfigAsync()
    {
        var conf = new List<string>
        {
            "per_listener_settings false",
            $"allow_anonymous {(_options.Users.Count == 0 ? "true" : "false")}",
            $"log_dest file {LogFile}",
            // As root mosquitto would drop to the 'mosquitto' user, who cannot write this directory.
            $"user {Environment.UserName}",
            $"max_queued_messages {_options.MaxQueuedMessages}",
        };
        conf.AddRange(_options.LogTypes.Select(t => $"log_type {t}"));
        if (_options.Users.Count > 0)
        {
            var passwd = Path.Combine(Directory, "passwd");
            await File.WriteAllTextAsync(passwd, "");
            foreach (var login in _options.Users)
                await ExternalTool.RunAsync("mosquitto_passwd", "mosquitto", ["-b", passwd, login.User, login.Password]);
            conf.Add($"password_file {passwd}");
        }
        if (_options.Acl is not null)
        {
            var acl = Path.Combine(Directory, "acl");
            await File.WriteAllTextAsync(acl, _options.Acl);
            conf.Add($"acl_file {acl}");
        }
        if (_options.Persistence)
        {
            var data = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "data")).FullName + "/";
            conf.AddRange(["persistence true", $"persistence_location {data}", "autosave_interval 1"]);
        }
        else
        {
            conf.Add("persistence false");
        }
        conf.AddRange(["", $"listener {Port} 127.0.0.1", "protocol mqtt"]);
        if (Pki is not null)
        {
            conf.AddRange(["", $"listener {TlsPort} 127.0.0.1", "protocol mqtt", $"cafile {Pki.CaFile}",
                $"certfile {Pki.ServerCertFile}", $"keyfile {Pki.ServerKeyFile}", "require_certificate true"]);
        }
        await File.WriteAllLinesAsync(ConfigFile, conf);
    }

    private async Task LaunchAsync()
    {
        _process?.Dispose();
        _process = ExternalTool.Start("mosquitto", "mosquitto", ["-c", ConfigFile]);
        _process.BeginErrorReadLine(); // drained: mosquitto logs to its file
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {LogTail()}");
            if (await LoopbackPort.AcceptsAsync(Port) && (TlsPort == 0 || await LoopbackPort.AcceptsAsync(TlsPort))) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"mosquitto did not listen on {Port}{(TlsPort == 0 ? "" : $"/{TlsPort}")} in {StartTimeout.TotalSeconds:0} s: {LogTail()}");
    }

    /// <summary>SIGTERM: mosquitto saves its persistence file and exits, as in `systemctl stop mosquitto`.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _ = kill(_process.Id, 15);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts the same config again (same ports, same persistence) after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => LaunchAsync();

    /// <summary>The whole log file (mosquitto keeps writing it; read shared).</summary>
    public string ReadLog()
    {
        try
        {
            using var file = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(file).ReadToEnd();
        }
        catch (IOException) { return "(no log)"; }
    }

    /// <summary>The end of the log, for failure messages.</summary>
    public string LogTail(int chars = 4000)
    {
        var log = ReadLog();
        return log.Length > chars ? log[^chars..] : log;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
