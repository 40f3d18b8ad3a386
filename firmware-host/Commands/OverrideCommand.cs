namespace EdgeScaler.Host.Commands;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;
using EdgeScaler.Host.Cli;
using EdgeScaler.Kubernetes;
using EdgeScaler.Kubernetes.Overrides;
using EdgeScaler.Kubernetes.Rest;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>`edgescaler override NS/HPA --replicas N [--for 30m] [--force]` | `--auto`: pins or releases an HPA's replicas.</summary>
public static class OverrideCommand
{
    public static readonly Verb Verb = new("override", "Pin an HPA's replicas (optionally for a while) or give control back",
        """
        Usage: edgescaler override NAMESPACE/HPA --replicas N [--for DURATION] [--force]
               edgescaler override NAMESPACE/HPA --auto

        Writes the override onto the HorizontalPodAutoscaler as edgescaler.io/override-*
        annotations, so every EdgeScaler agent (whichever is leader) honours it.

        Options:
          --replicas N        Pin the target at N replicas. Clamped to the HPA's
                              [minReplicas, maxReplicas] unless --force.
          --for DURATION      Release automatically after DURATION (Go duration: 30m, 2h).
          --force             Allow N outside [minReplicas, maxReplicas]. A critical
                              node still blocks scale-up.
          --auto              Release the override; the HPA decides again.
          --kubeconfig PATH   kubeconfig to use (default: in-cluster, $KUBECONFIG,
                              /etc/rancher/k3s/k3s.yaml, ~/.kube/config).
          --context NAME      kubeconfig context (default: its current-context).

        Exit status: 0 applied, 1 refused or the API could not be reached, 2 usage.
        """ + "\n", RunAsync);

    private static async Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["replicas", "for", "kubeconfig", "context"], ["force", "auto"]);
        args.ExpectPositionals(1, 1);
        if (!HpaRef.TryParse(args.Positionals[0], out var hpa))
            throw new UsageException($"'{args.Positionals[0]}' is not NAMESPACE/HPA");
        var auto = args.Has("auto");
        var replicasText = args.Get("replicas");
        if (auto == (replicasText is not null)) throw new UsageException("give exactly one of --replicas N or --auto");
        if (auto && (args.Get("for") is not null || args.Has("force"))) throw new UsageException("--for and --force go with --replicas, not --auto");

        var now = DateTimeOffset.UtcNow;
        var by = $"cli:{Environment.UserName}@{Environment.MachineName}";
        OverrideRequest request;
        if (auto) request = OverrideRequest.Auto(hpa, OverrideSource.Cli, now, by);
        else
        {
            if (!int.TryParse(replicasText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas))
                throw new UsageException($"--replicas '{replicasText}' is not a whole number of 0 or more");
            TimeSpan? duration = null;
            if (args.Get("for") is { } forText)
            {
                if (!GoDuration.TryParse(forText, out var d)) throw new UsageException($"--for '{forText}' is not a duration such as 30m or 2h");
                duration = d;
            }
            request = OverrideRequest.Pin(hpa, replicas, duration, args.Has("force"), OverrideSource.Cli, now, by);
        }

        KubeRest rest;
        string source;
        try
        {
            rest = KubeClientFactory.CreateRest(new KubernetesOptions { Kubeconfig = args.GetOr("kubeconfig", ""), Context = args.GetOr("context", "") }, out source);
        }
        catch (Exception e) when (e is FileNotFoundException or k8s.Exceptions.KubeConfigException or IOException)
        {
            await ctx.Error.WriteLineAsync($"edgescaler override: {e.Message}");
            return ExitCodes.Usage;
        }
        using (rest)
        {
            try
            {
                var result = await new OverrideWriter(rest, NullLogger.Instance).ApplyAsync(request, CancellationToken.None);
                if (!result.Accepted)
                {
                    await ctx.Error.WriteLineAsync($"edgescaler override: {hpa}: refused: {result.Reason}");
                    return ExitCodes.Failure;
                }
                var until = result.Until is { } u ? $" until {OverrideAnnotations.FormatTime(u)}" : "";
                await ctx.Out.WriteLineAsync($"{hpa}: {result.Reason}{until}");
                return ExitCodes.Ok;
            }
            catch (KubeUnreachableException e)
            {
                await ctx.Error.WriteLineAsync($"edgescaler override: cannot reach the Kubernetes API ({source}): {e.Message}");
                return ExitCodes.Failure;
            }
            catch (KubeApiException e)
            {
                await ctx.Error.WriteLineAsync($"edgescaler override: {hpa}: the Kubernetes API refused it: {e.ApiMessage}");
                return ExitCodes.Failure;
            }
        }
    }
}
