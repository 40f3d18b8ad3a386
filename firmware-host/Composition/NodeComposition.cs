namespace EdgeScaler.Host.Composition;

using EdgeScaler.Host.Agent;
using EdgeScaler.Host.Configuration.Placeholders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>The node area in `run`: the sampling loop around this node's sampler.</summary>
public static class NodeComposition
{
    public static IHostApplicationBuilder AddNodeSampling(this IHostApplicationBuilder builder, NodeOptions options)
    {
        builder.Services.AddSingleton(SamplingSettings.For(options.SampleInterval));
        builder.Services.AddSingleton<SamplingLoop>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SamplingLoop>());
        return builder;
    }
}
