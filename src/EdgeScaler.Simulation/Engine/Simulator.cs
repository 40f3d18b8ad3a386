namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Simulation.Thermal;

/// <summary>
/// The deterministic tick loop. Time is simulated: each <see cref="Step"/> advances the clock by the scenario's tick,
/// so a run depends only on the scenario, the seed and the plugged-in Scaler — never on the wall clock.
///
/// Per tick: pod lifecycle (schedule, start, ready) → firmware clocks from temperature → CPU capacity of ready pods
/// (a throttled node serves less per core-second) → requests served, queued, dropped → CPU used → power →
/// temperature → node thermal state → (every metrics resolution) a metrics sample → (every HPA sync period) one
/// Scaler reconcile per workload.
/// </summary>
public sealed class Simulator
{
    /// <summary>kube-controller-manager's --horizontal-pod-autoscaler-sync-period default.</summary>
    public static readonly TimeSpan HpaSyncPeriod = TimeSpan.FromSeconds(15);

    /// <summary>metrics-server's --metric-resolution default.</summary>
    public static readonly TimeSpan MetricResolution = TimeSpan.FromSeconds(15);

    private readonly DeterministicRandom _random;
    private readonly IScalerBridge _scaler;
    private readonly INodeStateClassifier _classifier;
    private readonly List<ISimulationObserver> _observers = [];
    private long _tickIndex;
    private int _podCounter;
    private long _elapsedTicks;
    private volatile AgentStatus _status = AgentStatus.Starting;
    private readonly List<ThermalState> _states = [];
    private IReadOnlyList<ScaleDecision> _decisions = [];

    public Simulator(Scenario scenario, IScalerBridge scaler, INodeStateClassifier classifier, ulong? seed = null)
    {
        Scenario = scenario;
        _scaler = scaler;
        _classifier = classifier;
        _random = new DeterministicRandom(seed ?? scenario.Seed);
        var ambient0 = scenario.Ambient.ValueAt(TimeSpan.Zero, scenario.Start.TimeOfDay);
        var nodes = scenario.Nodes.Select(n => new SimNode(n, n.InitialCelsius ?? IdleSteadyState(n, ambient0))).ToList();
        var workloads = scenario.Workloads.Select(w => new SimWorkload(w)).ToList();
        Cluster = new SimulatedCluster(nodes, workloads);
        foreach (var w in workloads)
        {
            for (var i = 0; i < w.SpecReplicas; i++)
            {
                var pod = NewPod(w, scenario.Start);
                // Initial replicas have been running for a while: ready from the start.
                pod.Node = LeastAllocatedScheduler.Pick(pod, nodes, [.. Cluster.AllPods.Where(p => p.Node is not null)], _random);
                if (pod.Node is null) continue;
                pod.Phase = PodPhase.Ready;
                pod.ScheduledAt = pod.StartedAt = pod.ReadyAt = scenario.Start - TimeSpan.FromHours(1);
            }
        }
        foreach (var n in nodes) n.State = _classifier.Classify(n, scenario.Start);
    }

    public Scenario Scenario { get; }
    public SimulatedCluster Cluster { get; }
    /// <summary>Simulated time since the start. Safe to read from other threads (telemetry, panel).</summary>
    public TimeSpan Elapsed
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _elapsedTicks));
        private set => Volatile.Write(ref _elapsedTicks, value.Ticks);
    }

    /// <summary>The simulated clock; the clock MQTT commands and panel presses are stamped with.</summary>
    public DateTimeOffset Now => Scenario.Start + Elapsed;
    public bool Finished => Elapsed >= Scenario.Duration;

    public void AddObserver(ISimulationObserver observer) => _observers.Add(observer);

    /// <summary>
    /// Manual overrides (MQTT commands, panel presses) in force; read at every HPA sync. Null: none can be made
    /// (comparison runs, tests), so the run depends on nothing but the scenario and seed.
    /// </summary>
    public SimulatedOverrides? Overrides { get; set; }

    /// <summary>The panel whose LED patterns each tick records (the real LED table on the simulated status).</summary>
    public PanelLeds PanelLeds { get; set; } = PanelLeds.Default();

    /// <summary>What the agent would report about this cluster now (for the panel). Safe to read from other threads.</summary>
    public AgentStatus Status => _status;

    /// <summary>Runs to the end, recording every tick.</summary>
    public List<TickRecord> RunToEnd()
    {
        var ticks = new List<TickRecord>();
        while (!Finished) ticks.Add(Step());
        return ticks;
    }

    public TickRecord Step()
    {
        var dt = Scenario.Tick.TotalSeconds;
        Elapsed += Scenario.Tick;
        _tickIndex++;
        var now = Now;
        var ambient = Scenario.Ambient.ValueAt(Elapsed, now.TimeOfDay);

        AdvancePodLifecycle(now);

        foreach (var n in Cluster.Nodes) n.Clock = ThermalModel.Throttle(n.Board.Throttle, n.Celsius);

        var workloadTicks = ServeRequests(dt);

        foreach (var n in Cluster.Nodes)
        {
            var used = n.Spec.SystemCpuCores;
            foreach (var p in n.Workloads(Cluster)) used += p.UsedCores;
            n.UsedCores = Math.Min(used, n.Board.Cores);
            n.Utilization = n.UsedCores / n.Board.Cores;
            n.CpuSeconds += n.UsedCores * dt;
            n.PowerWatts = ThermalModel.PowerWatts(n.Board, n.Utilization, n.Clock.FrequencyMHz);
            n.Celsius = ThermalModel.Step(n.Celsius, ambient, n.PowerWatts, n.Spec.Heat, dt);
            n.StickyBits |= n.LiveBits << 16;
            n.State = _classifier.Classify(n, now);
        }

        if (IsMultiple(Elapsed, MetricResolution)) Cluster.Sample(now);
        if (IsMultiple(Elapsed, HpaSyncPeriod)) ReconcileAll(now, workloadTicks);

        var status = UpdateStatus(now);
        var leds = PanelLeds.Read(status, now);
        var nodeTicks = new NodeTick[Cluster.Nodes.Count];
        for (var i = 0; i < nodeTicks.Length; i++)
        {
            var n = Cluster.Nodes[i];
            nodeTicks[i] = new NodeTick(n.Celsius, n.State, n.Clock.FrequencyMHz, n.Utilization, n.Clock.Throttled, _classifier.HotLimitCelsius(n));
        }
        var record = new TickRecord(Elapsed, now, ambient, nodeTicks, workloadTicks, leds);
        foreach (var o in _observers) o.OnTick(Cluster, record);
        return record;
    }

    private static bool IsMultiple(TimeSpan elapsed, TimeSpan period) => elapsed.Ticks % period.Ticks == 0;

    private void AdvancePodLifecycle(DateTimeOffset now)
    {
        foreach (var w in Cluster.Workloads)
        foreach (var p in w.Pods)
        {
            if (p.Phase == PodPhase.Pending)
            {
                p.Node = LeastAllocatedScheduler.Pick(p, Cluster.Nodes, [.. Cluster.AllPods.Where(x => x.Node is not null)], _random);
                if (p.Node is null) continue;
                p.Phase = PodPhase.Starting;
                p.ScheduledAt = now;
            }
            if (p.Phase == PodPhase.Starting && now >= p.ScheduledAt + w.Spec.Pod.StartupDelay)
            {
                p.Phase = PodPhase.Running;
                p.StartedAt = now;
            }
            if (p.Phase == PodPhase.Running && now >= p.StartedAt + w.Spec.Pod.ReadinessDelay)
            {
                p.Phase = PodPhase.Ready;
                p.ReadyAt = now;
            }
        }
    }

    /// <summary>
    /// Pods get up to their CPU limit (or the whole node); when the limits on a node add up to more than it has,
    /// each gets a share in proportion to its limit (CFS weights). A ready pod's capacity in requests/s is its CPU
    /// beyond its idle cost, times the clock ratio, divided by the cost of one request. The Service spreads requests
    /// over ready pods in proportion to capacity (least-connections); what cannot be served waits in a queue; what would
    /// wait longer than the timeout is dropped.
    /// </summary>
    private WorkloadTick[] ServeRequests(double dt)
    {
        var maxCores = new Dictionary<SimPod, double>();
        foreach (var n in Cluster.Nodes)
        {
            var pods = n.Workloads(Cluster).ToList();
            double sum = 0;
            foreach (var p in pods) sum += PodLimit(p, n);
            var scale = sum > n.AllocatableCores ? n.AllocatableCores / sum : 1;
            foreach (var p in pods) maxCores[p] = PodLimit(p, n) * scale;
        }

        var ticks = new WorkloadTick[Cluster.Workloads.Count];
        for (var wi = 0; wi < Cluster.Workloads.Count; wi++)
        {
            var w = Cluster.Workloads[wi];
            var spec = w.Spec;
            var noise = 1 + spec.Noise * (2 * _random.NextDouble() - 1);
            var demand = Math.Max(0, spec.Demand.ValueAt(Elapsed, Now.TimeOfDay) * noise);
            var arrivals = demand * dt + w.Backlog;

            double capacity = 0;
            foreach (var p in w.Pods)
                if (p.IsReady) capacity += PodCapacity(p, maxCores[p]);

            var served = Math.Min(arrivals, capacity * dt);
            double weightedServiceTime = 0;
            foreach (var p in w.Pods)
            {
                if (!p.HasContainer) { p.UsedCores = 0; continue; }
                var idle = Math.Min(spec.Pod.IdleCpuCores, maxCores[p]);
                var share = p.IsReady && capacity > 0 ? served * PodCapacity(p, maxCores[p]) / capacity : 0;
                var speed = Speed(p.Node!);
                p.UsedCores = idle + share / dt * spec.CpuSecondsPerRequest / speed;
                p.CpuSeconds += p.UsedCores * dt;
                weightedServiceTime += share * spec.CpuSecondsPerRequest / speed;
            }

            var backlog = arrivals - served;
            double dropped;
            if (capacity <= 0) { dropped = backlog; backlog = 0; }
            else
            {
                var maxBacklog = capacity * spec.Timeout.TotalSeconds;
                dropped = Math.Max(0, backlog - maxBacklog);
                backlog -= dropped;
            }
            w.Backlog = backlog;

            var serviceTime = served > 0 ? weightedServiceTime / served : spec.CpuSecondsPerRequest;
            var rho = capacity > 0 ? Math.Min(served / dt / capacity, 0.9) : 0.9;
            var latency = serviceTime / (1 - rho) + (capacity > 0 ? backlog / capacity : 0);
            var reason = w.LastDecision?.Reason ?? "";
            ticks[wi] = new WorkloadTick(demand, served / dt, dropped, latency * 1000, w.ReadyCount, w.Pods.Count, w.SpecReplicas, reason);
        }
        return ticks;
    }

    private static double PodLimit(SimPod p, SimNode n) =>
        p.Workload.Spec.Pod.CpuLimitMilli is { } l ? Math.Min(l / 1000.0, n.AllocatableCores) : n.AllocatableCores;

    private static double Speed(SimNode n) => (double)n.Clock.FrequencyMHz / n.Board.Throttle.MaxMHz;

    private static double PodCapacity(SimPod p, double cores) =>
        Math.Max(0, cores - p.Workload.Spec.Pod.IdleCpuCores) * Speed(p.Node!) / p.Workload.Spec.CpuSecondsPerRequest;

    private void ReconcileAll(DateTimeOffset now, WorkloadTick[] ticks)
    {
        for (var i = 0; i < Cluster.Workloads.Count; i++)
        {
            var w = Cluster.Workloads[i];
            w.Override = Overrides?.ActiveFor(w.Hpa, now);
            var decision = _scaler.Reconcile(w, Cluster, now);
            w.LastDecision = decision;
            if (decision.DesiredReplicas != w.SpecReplicas) w.SpecReplicas = decision.DesiredReplicas;
            ResizeTo(w, now);
            ticks[i] = ticks[i] with { Desired = w.SpecReplicas, Replicas = w.Pods.Count, ReadyReplicas = w.ReadyCount, Reason = decision.Reason };
        }
        _decisions = [.. Cluster.Workloads.Where(w => w.LastDecision is not null).Select(w => w.LastDecision!)];
    }

    /// <summary>Creates or deletes pods to match spec.replicas; deletes the way the ReplicaSet controller ranks pods.</summary>
    private void ResizeTo(SimWorkload w, DateTimeOffset now)
    {
        while (w.Pods.Count < w.SpecReplicas) NewPod(w, now);
        if (w.Pods.Count <= w.SpecReplicas) return;
        // ReplicaSet deletion order: unscheduled before scheduled, not-ready before ready, pods on nodes with more
        // replicas of this set first, then the newest first.
        var ranked = w.Pods
            .OrderBy(p => p.Node is null ? 0 : 1)
            .ThenBy(p => p.IsReady ? 1 : 0)
            .ThenByDescending(p => w.Pods.Count(q => q.Node is not null && q.Node == p.Node))
            .ThenByDescending(p => p.Created)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(w.Pods.Count - w.SpecReplicas)
            .ToList();
        foreach (var p in ranked) w.Pods.Remove(p);
    }

    private SimPod NewPod(SimWorkload w, DateTimeOffset now)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = alphabet[_random.Next(alphabet.Length)];
        var uid = $"{_random.NextUInt64():x16}{++_podCounter:x16}";
        uid = $"{uid[..8]}-{uid[8..12]}-{uid[12..16]}-{uid[16..20]}-{uid[20..32]}";
        var pod = new SimPod($"{w.Spec.Name}-{suffix}", uid, w, now);
        w.Pods.Add(pod);
        return pod;
    }

    private static double IdleSteadyState(NodeSpec n, double ambient) =>
        ThermalModel.SteadyStateCelsius(ambient, ThermalModel.PowerWatts(n.Board, n.SystemCpuCores / n.Board.Cores, n.Board.Throttle.MaxMHz), n.Heat);

    /// <summary>How long a rescale shows as "in progress" after its decision: the real agent's rule.</summary>
    public static TimeSpan ScalingShownFor => AgentStatusRules.ScalingShownFor;

    /// <summary>
    /// The agent's status as the leader of this cluster would report it, by the real agent's rules
    /// (<see cref="AgentStatusRules"/>): API reachable and leading (the simulated cluster has no outage), the worst node
    /// state, overrides and recent rescales from the newest decisions. The simulation raises no alarms.
    /// </summary>
    private AgentStatus UpdateStatus(DateTimeOffset now)
    {
        _states.Clear();
        foreach (var n in Cluster.Nodes) _states.Add(n.State);
        var next = AgentStatusRules.Next(new AgentObservation(true, true, "simulation", _states, _decisions, now), alarmRaisedAt: null, acknowledgedAt: null);
        var current = _status;
        if (current.WorstThermalState != next.WorstThermalState || current.ScalingInProgress != next.ScalingInProgress
            || current.AnyOverrideActive != next.AnyOverrideActive || !ReferenceEquals(current.Decisions, _decisions) || current == AgentStatus.Starting)
            _status = current = next;
        return current;
    }

}
