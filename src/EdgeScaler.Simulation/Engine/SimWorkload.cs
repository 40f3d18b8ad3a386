namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Simulation.Scenarios;

/// <summary>A Deployment with a Service and an HPA: its pods, its request backlog and what the Scaler last decided.</summary>
public sealed class SimWorkload(WorkloadSpec spec)
{
    public WorkloadSpec Spec { get; } = spec;
    public HpaRef Hpa { get; } = new(spec.Namespace, spec.Name);

    /// <summary>The Deployment's spec.replicas (what /scale reports and the Scaler writes).</summary>
    public int SpecReplicas { get; internal set; } = spec.InitialReplicas;

    public List<SimPod> Pods { get; } = [];

    /// <summary>Requests accepted but not yet served.</summary>
    public double Backlog { get; internal set; }

    public ScaleDecision? LastDecision { get; internal set; }

    /// <summary>The manual override in force at the last HPA sync (null: the HPA decides).</summary>
    public ActiveOverride? Override { get; internal set; }

    public int ReadyCount => Pods.Count(p => p.IsReady);

    /// <summary>The Deployment's selector labels, carried on every pod.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string> { ["app"] = spec.Name };
}
