namespace EdgeScaler.Simulation.Engine;

/// <summary>Where a simulated pod is in its life.</summary>
public enum PodPhase
{
    /// <summary>Created, not yet placed (no node fits).</summary>
    Pending,
    /// <summary>Placed; image pull and container start (no CPU yet).</summary>
    Starting,
    /// <summary>Container running, readiness probe not yet passed: uses CPU, gets no traffic.</summary>
    Running,
    /// <summary>Ready: behind the Service, gets traffic.</summary>
    Ready,
}

/// <summary>One replica of a simulated workload.</summary>
public sealed class SimPod(string name, string uid, SimWorkload workload, DateTimeOffset created)
{
    public string Name { get; } = name;
    public string Uid { get; } = uid;
    public SimWorkload Workload { get; } = workload;
    public DateTimeOffset Created { get; } = created;

    public SimNode? Node { get; internal set; }
    public PodPhase Phase { get; internal set; } = PodPhase.Pending;
    public DateTimeOffset? ScheduledAt { get; internal set; }

    /// <summary>When the container started (the HPA's pod start time).</summary>
    public DateTimeOffset? StartedAt { get; internal set; }

    /// <summary>When the pod became Ready (the Ready condition's lastTransitionTime).</summary>
    public DateTimeOffset? ReadyAt { get; internal set; }

    /// <summary>Cumulative CPU time (core-seconds), like the pod cgroup's usage_usec.</summary>
    public double CpuSeconds { get; internal set; }

    /// <summary>Cores used over the last tick.</summary>
    public double UsedCores { get; internal set; }

    public bool IsReady => Phase == PodPhase.Ready;

    public bool HasContainer => Phase is PodPhase.Running or PodPhase.Ready;
}
