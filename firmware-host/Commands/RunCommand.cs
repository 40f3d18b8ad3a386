namespace EdgeScaler.Host.Commands;

using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Composition;
using EdgeScaler.Host.Configuration;
using Microsoft.Extensions.Hosting;

/// <summary>`edgescaler run`: the agent, as a systemd service (Type=notify, WatchdogSec=) or in a pod.</summary>
public static class RunCommand
{
    public static readonly Verb Verb = new("run", "Run the agent (systemd service or pod): sample, serve metrics, scale, publish",
        $"""
        Usage: edgescaler run [--config PATH]

        Runs the agent until SIGTERM or Ctrl+C (docs/run.md):
          - samples this node's cgroups and thermal state every node.interval (10s),
            logging each problem once, when it appears and when it clears;
          - names pods through the Kubernetes API and serves metrics.k8s.io for the
            cluster (its own samples merged with its peers') on metricsApi.port (4443);
          - reconciles every autoscaling/v2 HPA while it holds the scaler lease, with
            the thermal policy and overrides (scaler.enabled);
          - publishes node state, decisions and events over MQTT and takes override
            commands (when mqtt.brokerUri or mqtt.embeddedBroker is set);
          - drives the GPIO panel (when panel.enabled).
        Without a kubeconfig it still samples and publishes; it says once what it
        cannot do. A part that fails to start (a taken port, a missing GPIO chip) is
        logged in one line and the rest keeps running.

        Under systemd (Type=notify) it sends READY=1 once the first sample is taken and,
        with WatchdogSec= set, WATCHDOG=1 only while sampling makes progress, so a hung
        loop gets the service restarted. SIGTERM stops it cleanly within 5 s.

        Options:
          --config PATH   Config file (default {ConfigLoader.DefaultPath}; when the
                          default file is absent, built-in defaults apply). Keys can be
                          overridden with EDGESCALER__SECTION__KEY variables.

        Exit status: 0 after a clean stop, 1 if the agent failed, 2 for bad usage or config.
        """ + "\n", RunAsync);

    private static async Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["config"], []);
        args.ExpectPositionals(0, 0);
        var loaded = ConfigLoader.Load(args.Get("config"));
        if (!loaded.IsValid)
        {
            ctx.Error.WriteLine($"edgescaler run: {loaded.Path}: {loaded.Problems.Count} configuration problem{(loaded.Problems.Count == 1 ? "" : "s")}");
            foreach (var p in loaded.Problems) ctx.Error.WriteLine($"  {p}");
            return ExitCodes.Usage;
        }
        IHost host;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "edgescaler", ContentRootPath = "/" });
            builder.AddAgent(loaded.Config!);
            host = builder.Build();
        }
        catch (AgentSetupException e)
        {
            ctx.Error.WriteLine($"edgescaler run: {e.Message}");
            return ExitCodes.Usage;
        }
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ctx.Error.WriteLine($"edgescaler run: failed: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            host.Dispose();
        }
    }
}
