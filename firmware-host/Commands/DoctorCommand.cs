namespace EdgeScaler.Host.Commands;

using System.Runtime.InteropServices;
using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Configuration;
using EdgeScaler.Host.Doctor;

/// <summary>`edgescaler doctor`: checks this node's setup and prints pass/warn/fail lines, each failure with its fix.</summary>
public static class DoctorCommand
{
    public static readonly Verb Verb = new("doctor", "Check this node's setup and say how to fix what is wrong",
        $"""
        Usage: edgescaler doctor [--config PATH] [--host-root DIR] [--json]

        Checks, each printed as pass, warn or FAIL with the fix:
          architecture   the binary matches the machine
          config         the configuration file is valid
          board          a board profile matches this machine
          thermal        thermal zones are readable
          memory-cgroup  the memory cgroup controller is enabled
          cgroup-driver  k3s's pod cgroups (systemd or cgroupfs driver) are found
          gpio           GPIO chips are accessible (only when a panel is configured)
          clock          the system clock is sane
          mqtt           the MQTT broker accepts our TLS and credentials (only when mqtt.brokerUri is set)
          kubernetes     the Kubernetes API answers (kubernetes.kubeconfig, in-cluster, $KUBECONFIG,
                         /etc/rancher/k3s/k3s.yaml or ~/.kube/config, as the agent picks it)
          rbac           that identity may do everything EdgeScaler does (SelfSubjectAccessReview)
          apiservice     v1beta1.metrics.k8s.io (and v1) point at EdgeScaler and are Available;
                         no other server (k3s's metrics-server) owns metrics.k8s.io
          hpa-controller the built-in HPA controller is off (no recent HPA status writes by
                         kube-controller-manager/k3s, no ConflictingScaleWriter events)
        Each Kubernetes check gives up after {(int)KubernetesChecks.Timeout.TotalSeconds}s.

        Options:
          --config PATH    Config file (default {ConfigLoader.DefaultPath}).
          --host-root DIR  Read /sys, /proc and /dev under DIR (default: node.hostRoot from the config).
          --json           A JSON array of objects (name, status, message, fix) instead of text.

        Exit status: 0 every check passed, 1 a check warned or failed, 2 bad usage.
        """ + "\n", RunAsync);

    private static async Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["config", "host-root"], ["json"]);
        args.ExpectPositionals(0, 0);
        var checks = Run(args.Get("config"), args.Get("host-root"), RuntimeInformation.ProcessArchitecture, RuntimeInformation.OSArchitecture, DateTimeOffset.UtcNow).ToList();
        var cfg = ConfigLoader.Load(args.Get("config")).Config ?? new EdgeScalerConfig();
        checks.AddRange(await KubernetesChecks.RunAsync(cfg.Kubernetes, cfg.Scaler, DateTimeOffset.UtcNow, CancellationToken.None));
        if (args.Has("json")) ctx.Out.WriteLine(DoctorCheck.ToJson(checks));
        else foreach (var c in checks) ctx.Out.WriteLine(c.ToLine());
        return checks.All(c => c.Status == CheckStatus.Pass) ? ExitCodes.Ok : ExitCodes.Failure;
    }

    public static IReadOnlyList<DoctorCheck> Run(string? configPath, string? hostRoot, Architecture binary, Architecture machine, DateTimeOffset now)
    {
        var checks = new List<DoctorCheck> { NodeChecks.Architecture(binary, machine) };
        var config = ConfigLoader.Load(configPath);
        checks.Add(config.IsValid
            ? DoctorCheck.Pass("config", config.FileFound ? $"{config.Path} is valid" : $"{config.Path} not found; built-in defaults apply")
            : DoctorCheck.Fail("config", $"{config.Path}: {string.Join("; ", config.Problems)}", $"run `edgescaler check-config --config {config.Path}` and fix each line"));
        var cfg = config.Config ?? new EdgeScalerConfig();
        var root = hostRoot ?? cfg.Node.HostRoot;
        checks.AddRange(NodeChecks.Sampled(root, cfg.Node.Board, now));
        checks.Add(NodeChecks.Gpio(cfg.Panel, root));
        checks.Add(NodeChecks.Clock(now));
        checks.Add(MqttChecks.Broker(cfg.Mqtt));
        return checks;
    }
}
