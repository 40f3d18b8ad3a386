namespace EdgeScaler.Host.Tests;

using System.Diagnostics;
using EdgeScaler.TestKit;

/// <summary>
/// deploy/install.sh against a real OpenSSH server on a loopback port, logging in with a generated key, installing
/// into a scratch root with systemctl calls recorded (the installer's --root/--record-systemctl flags).
/// The "binary" is a small shell stand-in answering `version` and `sample`, since tests do not build Native AOT.
/// Besides root, sshd knows a non-root user that exists only in its own mount namespace (no account is added to
/// this machine): unshare gives sshd a private mount table in which a copy of /etc/passwd with that user is
/// bind-mounted over the real one, so a login as that user is a real login with a non-zero uid.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployInstallerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("es-install-");
    private readonly Process _sshd;
    private readonly int _port;
    private const string NonRootUser = "es-deployer"; // uid 4242, no sudoers rule

    private string D(string name) => Path.Combine(_dir.FullName, name);
    private string Root => D("root");
    private string Recorded => Path.Combine(Root, "systemctl.log");

    public DeployInstallerTests()
    {
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", D("hostkey"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", D("clientkey"));
        File.Copy(D("clientkey.pub"), D("authorized_keys"));
        // sshd reads the key file as the user logging in: the non-root one must reach it (the private keys stay 0600).
        File.SetUnixFileMode(_dir.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(D("authorized_keys"), (UnixFileMode)0b110_100_100);
        File.WriteAllText(D("passwd"), File.ReadAllText("/etc/passwd") + $"{NonRootUser}:x:4242:4242:deploy test:/tmp:/bin/sh\n");
        _port = LoopbackPort.Free();
        File.WriteAllText(D("sshd_config"), $"""
            Port {_port}
            ListenAddress 127.0.0.1
            HostKey {D("hostkey")}
            AuthorizedKeysFile {D("authorized_keys")}
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PidFile {D("sshd.pid")}
            """);
        Directory.CreateDirectory("/run/sshd"); // privilege separation directory sshd insists on
        var sshd = ExternalTool.Find("sshd", "openssh-server");
        _sshd = ExternalTool.Start("unshare", "util-linux", ["--mount", "--propagation", "private", "sh", "-c",
            "mount --bind \"$0\" /etc/passwd && exec \"$1\" -D -e -f \"$2\"", D("passwd"), sshd, D("sshd_config")]);
        var sshdLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _sshd.ErrorDataReceived += (_, e) => { if (e.Data is not null) sshdLog.Enqueue(e.Data); };
        _sshd.OutputDataReceived += (_, _) => { };
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        LoopbackPort.WaitUntilAccepting(_port, () => _sshd.HasExited ? $"sshd exited {_sshd.ExitCode}: {string.Join('\n', sshdLog)}" : null);

        // The scratch root: a running-systemd marker and the user databases useradd --prefix edits.
        Directory.CreateDirectory(Path.Combine(Root, "run/systemd/system"));
        Directory.CreateDirectory(Path.Combine(Root, "etc"));
        foreach (var f in new[] { "passwd", "group", "shadow", "gshadow" })
            if (File.Exists("/etc/" + f)) File.Copy("/etc/" + f, Path.Combine(Root, "etc", f));
        File.WriteAllText(D("edgescaler"), "#!/bin/sh\ncase \"$1\" in version) echo 'edgescaler 0.1.0';; sample) echo 'node test: cpu 120m, memory 300Mi, thermal cool 48.2C';; *) exit 0;; esac\n");
        File.WriteAllText(D("broken"), "#!/bin/sh\necho 'illegal instruction' >&2; exit 132\n");
        File.WriteAllText(D("edgescaler.json"), "{ \"logLevel\": \"information\" }\n");
        File.WriteAllText(D("mqtt-password"), "s3cret\n");
    }

    private (int Code, string Output) Install(params string[] extra) => InstallAs("root@127.0.0.1", extra);

    private (int Code, string Output) InstallAs(string target, params string[] extra)
    {
        var args = new List<string> { RepoPaths.Of("deploy/install.sh"), target, "--port", _port.ToString(), "--identity", D("clientkey"),
            "--root", Root, "--record-systemctl", Recorded, "--ready-timeout", "3" };
        args.AddRange(extra);
        return Run("bash", [.. args]);
    }

    private (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["EDGESCALER_SSH_OPTS"] = $"-o UserKnownHostsFile={D("known_hosts")}";
        using var p = Process.Start(start)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        return (p.ExitCode, o.Result + e.Result);
    }

    private string[] RecordedCalls() => File.Exists(Recorded) ? File.ReadAllLines(Recorded) : [];

    private static UnixFileMode ModeOf(string path) => File.GetUnixFileMode(path);

    [Fact]
    public void Deploy_install_then_a_second_run_changes_nothing()
    {
        var (code, output) = Install("--arch", "x64", "--binary", D("edgescaler"), "--config", D("edgescaler.json"), "--mqtt-password", D("mqtt-password"));
        Assert.True(code == 0, output);
        Assert.Contains("first sample:", output);
        Assert.Contains("node test: cpu 120m", output);
        Assert.Equal(["systemctl daemon-reload", "systemctl enable edgescaler.service", "systemctl restart edgescaler.service", "systemctl is-active --quiet edgescaler.service"], RecordedCalls());

        Assert.Equal(File.ReadAllText(RepoPaths.Of("deploy/systemd/edgescaler.service")), File.ReadAllText(Path.Combine(Root, "etc/systemd/system/edgescaler.service")));
        Assert.Equal("s3cret\n", File.ReadAllText(Path.Combine(Root, "etc/edgescaler/credentials/mqtt-password")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(Path.Combine(Root, "etc/edgescaler/credentials/mqtt-password")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, ModeOf(Path.Combine(Root, "etc/edgescaler/credentials")));
        Assert.Equal(0, new FileInfo(Path.Combine(Root, "etc/edgescaler/credentials/kubeconfig")).Length); // present (LoadCredential needs it), empty
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, ModeOf(Path.Combine(Root, "etc/edgescaler/edgescaler.json")));
        Assert.Contains(File.ReadAllLines(Path.Combine(Root, "etc/passwd")), l => l.StartsWith("edgescaler:") && l.EndsWith(":/usr/sbin/nologin"));

        var snapshot = Snapshot();
        (code, output) = Install("--arch", "x64", "--binary", D("edgescaler"), "--config", D("edgescaler.json"), "--mqtt-password", D("mqtt-password"));
        Assert.True(code == 0, output);
        Assert.Contains("nothing changed", output);
        Assert.Equal(4, RecordedCalls().Length); // no restart, no reload
        Assert.Equal(snapshot, Snapshot());
    }

    [Fact]
    public void Deploy_upgrade_to_a_binary_that_never_gets_ready_rolls_back()
    {
        Assert.Equal(0, Install("--arch", "x64", "--binary", D("edgescaler")).Code);
        var bin = Path.Combine(Root, "usr/local/bin/edgescaler");

        var (code, output) = Install("--arch", "x64", "--binary", D("broken"));
        Assert.Equal(1, code);
        Assert.Contains("pass --upgrade", output);

        (code, output) = Install("--arch", "x64", "--binary", D("broken"), "--upgrade");
        Assert.Equal(1, code);
        Assert.Contains("rolled back", output);
        Assert.Equal(File.ReadAllBytes(D("edgescaler")), File.ReadAllBytes(bin));
        Assert.Equal("systemctl restart edgescaler.service", RecordedCalls()[^1]);
    }

    [Fact]
    public void Deploy_uninstall_removes_what_install_created_and_purge_the_state()
    {
        var passwdBefore = File.ReadAllText(Path.Combine(Root, "etc/passwd"));
        var groupBefore = File.ReadAllText(Path.Combine(Root, "etc/group"));
        Assert.Equal(0, Install("--arch", "x64", "--binary", D("edgescaler")).Code);
        File.WriteAllText(Path.Combine(Root, "var/lib/edgescaler/journal.json"), "{}");

        var (code, output) = Install("--uninstall");
        Assert.True(code == 0, output);
        Assert.Contains("systemctl disable --now edgescaler.service", RecordedCalls());
        Assert.False(File.Exists(Path.Combine(Root, "usr/local/bin/edgescaler")));
        Assert.False(File.Exists(Path.Combine(Root, "etc/systemd/system/edgescaler.service")));
        Assert.False(Directory.Exists(Path.Combine(Root, "etc/edgescaler")));
        Assert.Equal(passwdBefore, File.ReadAllText(Path.Combine(Root, "etc/passwd")));
        Assert.Equal(groupBefore, File.ReadAllText(Path.Combine(Root, "etc/group")));
        Assert.True(File.Exists(Path.Combine(Root, "var/lib/edgescaler/journal.json")), "state is kept without --purge");

        (code, output) = Install("--uninstall", "--purge");
        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(Path.Combine(Root, "var/lib/edgescaler")));
    }

    [Fact]
    public void Deploy_clear_errors_for_wrong_arch_missing_systemd_and_unreachable_host()
    {
        var (code, output) = Install("--arch", "arm64", "--binary", D("edgescaler"));
        Assert.Equal(1, code);
        Assert.Contains("wrong architecture", output);

        Directory.Delete(Path.Combine(Root, "run"), true);
        (code, output) = Install("--arch", "x64", "--binary", D("edgescaler"));
        Assert.Equal(1, code);
        Assert.Contains("systemd is not running", output);

        var closed = LoopbackPort.Free();
        (code, output) = Run("bash", RepoPaths.Of("deploy/install.sh"), "root@127.0.0.1", "--port", closed.ToString(), "--identity", D("clientkey"), "--binary", D("edgescaler"));
        Assert.Equal(1, code);
        Assert.Contains("cannot reach root@127.0.0.1", output);
        Assert.Empty(RecordedCalls());
    }

    [Fact]
    public void Deploy_as_a_non_root_user_without_passwordless_sudo_is_refused_before_anything_is_copied()
    {
        var (code, output) = InstallAs($"{NonRootUser}@127.0.0.1", "--arch", "x64", "--binary", D("edgescaler"), "--config", D("edgescaler.json"));
        Assert.True(code == 1, output);
        Assert.Contains($"{NonRootUser}@127.0.0.1: user is not root and has no passwordless sudo (add a sudoers rule or use root@)", output);
        Assert.Empty(RecordedCalls());
        Assert.False(Directory.Exists(Path.Combine(Root, "usr")), "nothing installed");
        Assert.False(Directory.Exists(Path.Combine(Root, "etc/edgescaler")), "no config written");
    }

    [Fact]
    public void Deploy_bad_usage_exits_2()
    {
        Assert.Equal(2, Run("bash", RepoPaths.Of("deploy/install.sh")).Code);
        Assert.Equal(2, Run("bash", RepoPaths.Of("deploy/install.sh"), "root@h", "--frobnicate").Code);
        Assert.Equal(2, Run("bash", RepoPaths.Of("deploy/install.sh"), "root@h", "--purge").Code);
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("systemctl.log", StringComparison.Ordinal))
            .ToDictionary(f => f, f => $"{File.GetLastWriteTimeUtc(f):O} {ModeOf(f)} {new FileInfo(f).Length}");

    public void Dispose()
    {
        try { _sshd.Kill(true); _sshd.WaitForExit(5000); } catch (InvalidOperationException) { }
        _sshd.Dispose();
        _dir.Delete(true);
    }
}
