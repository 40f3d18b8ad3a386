namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Scaling;

/// <summary>
/// Notices a second controller writing the same /scale (typically k3s's built-in HPA controller still running next
/// to us, or a GitOps tool re-applying spec.replicas): replicas we wrote change back without us, our writes hit
/// 409 Conflicts, or the HPA's status changes to something we did not write. Two such signs within
/// <see cref="Window"/> make a fight; each HPA is reported once (until it has been quiet for a window).
/// </summary>
public sealed class ScaleFightDetector
{
    public const string K3sFlag = "--kube-controller-manager-arg=controllers=*,-horizontalpodautoscaling";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly Dictionary<HpaRef, State> _states = [];

    private sealed class State
    {
        public int? LastWritten;
        public List<DateTimeOffset> Signs = [];
        public bool Reported;
    }

    /// <summary>We wrote <paramref name="replicas"/> to the target's /scale.</summary>
    public void RecordWrite(HpaRef hpa, int replicas) => StateOf(hpa).LastWritten = replicas;

    /// <summary>The target's spec.replicas as read now. Returns a warning text the first time a fight is established.</summary>
    public string? ObserveReplicas(HpaRef hpa, string target, int specReplicas, DateTimeOffset now)
    {
        var s = StateOf(hpa);
        if (s.LastWritten is not { } written || written == specReplicas) return null;
        s.LastWritten = null;
        return Sign(hpa, s, now, $"{target} has {specReplicas} replicas but EdgeScaler set {written}");
    }

    /// <summary>Our /scale write got a 409 Conflict (someone wrote between our read and our write).</summary>
    public string? ObserveConflict(HpaRef hpa, string target, DateTimeOffset now) =>
        Sign(hpa, StateOf(hpa), now, $"{target} was changed by someone else between EdgeScaler's read and write (409 Conflict)");

    /// <summary>The HPA's status differs from the status we last wrote, without us writing it.</summary>
    public string? ObserveForeignStatus(HpaRef hpa, DateTimeOffset now) =>
        Sign(hpa, StateOf(hpa), now, $"the status of HPA {hpa} was rewritten by another controller");

    public void Forget(HpaRef hpa) => _states.Remove(hpa);

    private State StateOf(HpaRef hpa)
    {
        if (!_states.TryGetValue(hpa, out var s)) _states[hpa] = s = new State();
        return s;
    }

    private static string? Sign(HpaRef hpa, State s, DateTimeOffset now, string what)
    {
        s.Signs.RemoveAll(t => t < now - Window);
        if (s.Signs.Count == 0) s.Reported = false;
        s.Signs.Add(now);
        if (s.Signs.Count < 2 || s.Reported) return null;
        s.Reported = true;
        return $"Another controller is scaling the target of HPA {hpa}: {what}. Only one HPA controller may run; " +
               $"on k3s start the server with {K3sFlag} (and --disable=metrics-server).";
    }
}
