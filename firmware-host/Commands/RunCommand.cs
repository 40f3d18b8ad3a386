namespace EdgeScaler.Host.Commands;

using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Composition;
using EdgeScaler.Host.Configuration;
using Microsoft.Extensions.Hosting;

/// <summary>`edgescaler run`: the agent, as a systemd service (Type=notify, WatchdogSec=) or in a pod.</summary>
public static class RunCommand
{
    public static readonly Verb Verb = new("run", "Run the agent (systemd service or pod): sample this node and serve",
        $"""
        Usage: edgescaler run [--config PATH]

        Runs the agent until SIGTERM or Ctrl+C: samples this node's cgroups and thermal
        state every node.sampleInterval (default 10s) and logs each problem once, when it
        appears and when it clears.

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
