namespace EdgeScaler.Host.Commands;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Host.Cli;
using EdgeScaler.Kubernetes.Mapping;
using EdgeScaler.Kubernetes.Mapping.Explain;

/// <summary>`edgescaler explain`: why did (or would) this HPA scale to N — the Scaler's own code on a kubectl bundle.</summary>
public static class ExplainCommand
{
    public static readonly Verb Verb = new("explain", "Explain what the Scaler decides for one HPA from a kubectl bundle",
        """
        Usage: edgescaler explain --input FILE|- [--json]

        Reads one JSON object (docs/explain.md) holding what kubectl prints for an HPA:
          hpa            kubectl get hpa NAME -o json
          scale          kubectl get --raw /apis/apps/v1/namespaces/NS/deployments/NAME/scale
          pods           kubectl get pods -n NS -l SELECTOR -o json
          podMetrics     kubectl get --raw "/apis/metrics.k8s.io/v1beta1/namespaces/NS/pods?labelSelector=..."
        and optionally customMetrics, externalMetrics, controller, nodes, now, and
          historyConfigMap  kubectl get configmap edgescaler-hpa-history -n kube-system -o json
                            (the Scaler's stabilization memory; or a history object)
          override          replaces the HPA's edgescaler.io/override-* annotations (read otherwise)
        Runs the same code as the Scaler (upstream HPA algorithm, thermal policy, overrides) and prints
        each step: metric proposals, stabilization, limits, thermal cap, override, final replicas.

        Options:
          --input FILE   The bundle; '-' reads standard input.
          --json         One JSON object instead of text.

        Exit status: 0 with a decision (also "cannot compute, keep current"), 2 for input it cannot read.
        """ + "\n", RunAsync);

    private static async Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["input"], ["json"]);
        args.ExpectPositionals(0, 0);
        var source = args.Get("input") ?? throw new UsageException("--input is required (a file, or '-' for standard input)");
        string json;
        try
        {
            json = source == "-" ? await Console.In.ReadToEndAsync() : await File.ReadAllTextAsync(source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Error.WriteLine($"edgescaler explain: cannot read {source}: {e.Message}");
            return ExitCodes.Usage;
        }

        ExplainRequest request;
        try
        {
            request = ExplainBundle.Parse(json, DateTimeOffset.UtcNow);
        }
        catch (MappingException e)
        {
            ctx.Error.WriteLine($"edgescaler explain: {source}: {e.Path}: {e.Detail}");
            return ExitCodes.Usage;
        }

        var outcome = ScalingPipeline.Decide(request.Input, request.NodeStates, request.Override);
        ctx.Out.Write(args.Has("json") ? ExplainReport.Json(request, outcome) : ExplainReport.Text(request, outcome));
        return ExitCodes.Ok;
    }
}
