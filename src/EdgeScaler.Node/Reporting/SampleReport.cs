namespace EdgeScaler.Node.Reporting;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Node.Boards;

/// <summary>What `edgescaler sample` shows: two samples, the rates between them and the thermal state.</summary>
public sealed record SampleReport(
    BoardDetection Board,
    string HostRoot,
    NodeSample Previous,
    NodeSample Current,
    NodeRates Rates,
    ThermalState ThermalState,
    double? SmoothedCelsius,
    ThermalLimits Limits)
{
    /// <summary>Problems of both samples, each once, in order of first appearance.</summary>
    public IReadOnlyList<SampleProblem> Problems
    {
        get
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var all = new List<SampleProblem>();
            foreach (var p in Previous.Problems.Concat(Current.Problems)) if (seen.Add(p.Message)) all.Add(p);
            return all;
        }
    }

    public bool IsPartial => Previous.IsPartial || Current.IsPartial;

    public static SampleReport From(BoardDetection board, string hostRoot, NodeSample previous, NodeSample current, ThermalLimits limits)
    {
        var classifier = new NodeThermalClassifier(limits);
        classifier.Update(previous.Thermal.HottestCelsius, previous.Thermal.Flags, previous.Timestamp);
        var state = classifier.Update(current.Thermal.HottestCelsius, current.Thermal.Flags, current.Timestamp);
        return new SampleReport(board, hostRoot, previous, current, UsageRates.Compute(previous.Counters, current.Counters),
            state, classifier.SmoothedCelsius, limits);
    }
}
