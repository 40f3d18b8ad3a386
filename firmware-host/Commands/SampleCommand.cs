namespace EdgeScaler.Host.Commands;

using EdgeScaler.Core.Units;
using EdgeScaler.Host.Cli;
using EdgeScaler.Node;
using EdgeScaler.Node.Reporting;

/// <summary>`edgescaler sample`: two samples of this node (or a fixture tree) and what they show.</summary>
public static class SampleCommand
{
    public static readonly Verb Verb = new("sample", "Sample this node twice: board, temperatures, throttling, node and pod CPU/memory",
        """
        Usage: edgescaler sample [--host-root DIR] [--interval 1s] [--board ID] [--json]

        Takes two samples of this node, --interval apart, and prints the board, every thermal
        zone, the firmware throttle flags, the thermal state, node CPU (from the two samples) and
        working set, and CPU and memory of every pod (by UID) and container (by ID).

        Options:
          --host-root DIR   Read /sys and /proc under DIR instead of / (a board fixture such as
                            boards/rpi-4b/fixture, or the host's filesystem mounted in a pod).
          --interval D      Time between the two samples, a Go duration (default 1s; more than 100ms).
          --board ID        Use this board profile instead of detecting it from the device tree.
          --json            One JSON object (shape: docs/sample-json.md) instead of text.

        Exit status: 0 complete sample, 1 partial sample (problems listed), 2 bad usage.
        On a static fixture tree nothing runs between the samples, so CPU rates are 0.
        """ + "\n", RunAsync);

    private static async Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse(["host-root", "interval", "board"], ["json"]);
        args.ExpectPositionals(0, 0);
        var intervalText = args.GetOr("interval", "1s");
        if (!GoDuration.TryParseNanoseconds(intervalText, out var ns, out var error))
            throw new UsageException($"--interval: {error} (e.g. 1s, 500ms, 1m30s)");
        var interval = GoDuration.FromNanoseconds(ns);
        if (interval <= Core.Metrics.CpuRateMath.MinimumWindow)
            throw new UsageException($"--interval must be more than 100ms (got {intervalText}): shorter windows give no usable CPU rate");

        var hostRoot = args.GetOr("host-root", "/");
        NodeSampler sampler;
        Node.Boards.BoardDetection board;
        try { (sampler, board) = NodeSetup.Create(hostRoot, args.Get("board")); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        using var _ = sampler;
        var first = sampler.Sample(DateTimeOffset.UtcNow);
        await Task.Delay(interval);
        var second = sampler.Sample(DateTimeOffset.UtcNow);
        var report = SampleReport.From(board, Path.GetFullPath(hostRoot), first, second, NodeSetup.Limits(board.Profile, null));

        if (args.Has("json")) ctx.Out.WriteLine(SampleJson.Write(report));
        else SampleText.Write(report, ctx.Out);
        return report.IsPartial ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
