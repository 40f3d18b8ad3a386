namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Kubernetes;
using EdgeScaler.Kubernetes.Events;
using EdgeScaler.Kubernetes.Leader;
using EdgeScaler.Kubernetes.Overrides;
using EdgeScaler.Kubernetes.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Registers the Scaler: the API client, leader election, the HPA controller (a hosted service), and the
/// journaled <see cref="IOverrideSink"/> that the panel, MQTT and the agent use. It needs an
/// <see cref="IClusterMetrics"/> (the cluster view) and optionally an <see cref="IClusterThermal"/>; without the
/// latter the thermal policy never intervenes. Without a reachable kubeconfig the agent keeps running: the Scaler
/// logs one clear line and stays idle, and overrides are refused with that reason.
/// </summary>
public static class ScalerServiceCollectionExtensions
{
    /// <summary>The Scaler with its own API client, built from <paramref name="kubernetes"/> (the kubeconfig is read here).</summary>
    public static IServiceCollection AddEdgeScalerScaler(this IServiceCollection services, ScalerOptions scaler, KubernetesOptions kubernetes) =>
        services.AddEdgeScalerScaler(scaler, kubernetes, _ => null);

    /// <summary>
    /// The Scaler on an API client the host already has (one client and one kubeconfig read per process);
    /// <paramref name="sharedClient"/> returning null falls back to building its own from <paramref name="kubernetes"/>.
    /// </summary>
    public static IServiceCollection AddEdgeScalerScaler(this IServiceCollection services, ScalerOptions scaler, KubernetesOptions kubernetes,
        Func<IServiceProvider, SharedKubeClient?> sharedClient)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IClusterThermal>(NoClusterThermal.Instance);
        services.TryAddSingleton<IClusterMetrics>(NoClusterMetrics.Instance);
        services.AddSingleton(sp => new ScalerRuntime(scaler, kubernetes, sp, sharedClient(sp)));
        services.AddSingleton<IOverrideSink>(sp => sp.GetRequiredService<ScalerRuntime>().OverrideSink);
        services.AddHostedService<ScalerHostedService>();
        return services;
    }
}

/// <summary>The cluster view before any sample exists: no rates, so resource metrics report "no rates yet".</summary>
public sealed class NoClusterMetrics : IClusterMetrics
{
    public static readonly NoClusterMetrics Instance = new();
    public bool HasRates => false;
    public IReadOnlyList<NodeUsage> Nodes() => [];
    public IReadOnlyList<PodUsage> Pods() => [];
}

/// <summary>
/// An API client the host built once for the whole process (it owns and disposes it), or — <see cref="Rest"/> null —
/// why there is none. <see cref="Description"/> is where it points ("https://… (from /etc/rancher/k3s/k3s.yaml)") or
/// that reason ("no Kubernetes API client: …").
/// </summary>
public sealed record SharedKubeClient(KubeRest? Rest, string Description);

/// <summary>The Scaler's parts, built once from the options (null <see cref="Controller"/> when there is no API client).</summary>
public sealed class ScalerRuntime
{
    public ScalerRuntime(ScalerOptions options, KubernetesOptions kubernetes, IServiceProvider sp)
        : this(options, kubernetes, sp, sharedClient: null)
    {
    }

    /// <param name="sharedClient">The host's client, used instead of building one (not disposed here); null builds our own.</param>
    public ScalerRuntime(ScalerOptions options, KubernetesOptions kubernetes, IServiceProvider sp, SharedKubeClient? sharedClient)
    {
        Options = options;
        var logs = sp.GetRequiredService<ILoggerFactory>();
        var time = sp.GetRequiredService<TimeProvider>();
        var log = logs.CreateLogger<ScalerRuntime>();
        if (sharedClient is { Rest: { } rest })
        {
            Rest = rest;
            log.LogInformation("Kubernetes API {Connection}, the agent's client", sharedClient.Description);
        }
        else if (sharedClient is not null)
        {
            SetupError = sharedClient.Description;
        }
        else
        {
            try
            {
                Rest = KubeClientFactory.CreateRest(kubernetes, out var source);
                OwnsRest = true;
                log.LogInformation("Kubernetes API {Host} (from {Source})", Rest.BaseUri, source);
            }
            catch (Exception e) when (e is FileNotFoundException or IOException or k8s.Exceptions.KubeConfigException)
            {
                SetupError = $"no Kubernetes API client: {e.Message}";
            }
        }
        if (SetupError is not null || Rest is null)
        {
            SetupError ??= "no Kubernetes API client";
            log.LogError("Scaler idle and overrides refused: {Error}", SetupError);
            OverrideSink = new RefusingOverrideSink(SetupError);
            return;
        }
        Health = new ApiHealth(logs.CreateLogger<ApiHealth>(), time);
        var identity = options.LeaderElection.Identity is { Length: > 0 } id ? id
            : Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } node ? node : Environment.MachineName;
        var le = options.LeaderElection;
        Elector = new LeaseElector(Rest, le.LeaseNamespace, le.LeaseName, identity, le.Timings, time, logs.CreateLogger<LeaseElector>());
        var events = new EventRecorder(Rest, EventRecorder.HpaComponent, identity, time, logs.CreateLogger<EventRecorder>());
        Controller = new HpaController(Rest, options, kubernetes.Namespaces, sp.GetRequiredService<IClusterMetrics>(), sp.GetRequiredService<IClusterThermal>(), Elector, Health, events, time, logs);
        var journal = new OverrideJournal(options.EffectiveJournalPath, logs.CreateLogger<OverrideJournal>());
        Journaled = new JournaledOverrideSink(Rest, journal, time, logs.CreateLogger<JournaledOverrideSink>());
        OverrideSink = Journaled;
    }

    public ScalerOptions Options { get; }
    public string? SetupError { get; }
    public KubeRest? Rest { get; }

    /// <summary>True when <see cref="Rest"/> was built here (not the host's shared client), so it is disposed with the Scaler.</summary>
    public bool OwnsRest { get; }
    public ApiHealth? Health { get; }
    public LeaseElector? Elector { get; }
    public HpaController? Controller { get; }
    public JournaledOverrideSink? Journaled { get; }
    public IOverrideSink OverrideSink { get; }
}

/// <summary>Overrides when there is no API client: refused with the reason.</summary>
public sealed class RefusingOverrideSink(string reason) : IOverrideSink
{
    public ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(OverrideResult.Rejected(reason));
}

/// <summary>Runs the controller (when enabled) and the override journal's retries for the host's lifetime.</summary>
public sealed class ScalerHostedService(ScalerRuntime runtime) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var work = new List<Task>();
        if (runtime.Journaled is { } journaled) work.Add(journaled.RunAsync(stoppingToken));
        if (runtime.Controller is { } controller && runtime.Options.Enabled) work.Add(controller.RunAsync(stoppingToken));
        return Task.WhenAll(work);
    }

    public override void Dispose()
    {
        if (runtime.OwnsRest) runtime.Rest?.Dispose();
        base.Dispose();
    }
}
