namespace EdgeScaler.Host.Agent;

using EdgeScaler.Node;
using EdgeScaler.Node.Boards;
using Microsoft.Extensions.Logging;

/// <summary>The real sample source: this node's <see cref="NodeSampler"/>, published to the <see cref="NodeSampleFeed"/>.</summary>
public sealed class NodeSampleSource(NodeSampler sampler, BoardDetection board, NodeSampleFeed feed, ILogger<NodeSampleSource> log) : ISampleSource
{
    private bool _announced;

    public IReadOnlyList<string> Take(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_announced)
        {
            _announced = true;
            log.LogInformation("board {Board}: {Reason}", board.Profile.Id, board.Reason);
        }
        var sample = sampler.Sample(now);
        feed.Publish(sample);
        // A pod deleted mid-read is routine churn, not a problem worth a log line.
        var problems = new List<string>(sample.Problems.Count);
        foreach (var p in sample.Problems)
            if (p.Kind != ProblemKind.Vanished) problems.Add(p.Message);
        return problems;
    }
}
