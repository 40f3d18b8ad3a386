namespace EdgeScaler.Host.Composition;

using EdgeScaler.Core.Units;
using EdgeScaler.Host.Agent;
using EdgeScaler.Node;
using EdgeScaler.Node.Boards;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>The node area in `run`: this node's sampler, driven by the sampling loop, feeding <see cref="NodeSampleFeed"/>.</summary>
public static class NodeComposition
{
    public static IHostApplicationBuilder AddNodeSampling(this IHostApplicationBuilder builder, NodeOptions options)
    {
        var services = builder.Services;
        // Durations were checked by ConfigLoader (HostRules); Parse cannot fail here.
        var interval = GoDuration.Parse(options.Interval);
        NodeSampler sampler;
        BoardDetection board;
        try { (sampler, board) = NodeSetup.Create(options.HostRoot, options.Board, GoDuration.Parse(options.ZoneTimeout)); }
        catch (ArgumentException e) { throw new AgentSetupException($"node.hostRoot/node.board: {e.Message}"); }
        services.AddSingleton(sampler);
        services.AddSingleton(board);
        services.AddSingleton(NodeSetup.Limits(board.Profile, options));
        services.AddSingleton<NodeSampleFeed>();
        services.AddSingleton<ISampleSource, NodeSampleSource>();

        services.AddSingleton(SamplingSettings.For(interval));
        services.AddSingleton<SamplingLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<SamplingLoop>());
        return builder;
    }
}
