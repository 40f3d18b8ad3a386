namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Scaler.Metrics;
using k8s.Models;

public sealed partial class HpaController
{
    /// <summary>
    /// What one pass reads once for all HPAs: pods by namespace and by label, and the cluster view's pod usage.
    /// The controller keeps one and refills it each pass, so the index's dictionaries and lists are reused instead of
    /// regrown (with 10,000 pods the per-label lists are large enough to land on the large-object heap).
    /// </summary>
    internal sealed class PassContext
    {
        private static readonly List<V1Pod> NoPods = [];
        private readonly Dictionary<(string Ns, string Key, string Value), List<V1Pod>> _byLabel = [];
        private readonly Dictionary<string, List<V1Pod>> _byNamespace = new(StringComparer.Ordinal);

        public PassContext()
        {
        }

        public PassContext(IClusterMetrics metrics, IReadOnlyList<V1Pod> pods) => Reset(metrics, pods);

        public ClusterPodMetrics Usage { get; } = new();

        /// <summary>Indexes this pass's pods and usage, reusing the previous pass's storage.</summary>
        public void Reset(IClusterMetrics metrics, IReadOnlyList<V1Pod> pods)
        {
            Clear();
            Usage.Reset(metrics);
            for (var i = 0; i < pods.Count; i++)
            {
                var pod = pods[i];
                var ns = pod.Metadata.NamespaceProperty ?? "";
                if (!_byNamespace.TryGetValue(ns, out var inNamespace)) _byNamespace[ns] = inNamespace = [];
                inNamespace.Add(pod);
                switch (pod.Metadata.Labels)
                {
                    case null:
                        break;
                    case Dictionary<string, string> labels: // what the client deserializes; its enumerator is a struct
                        foreach (var (k, v) in labels) AddLabel(ns, k, v, pod);
                        break;
                    case var labels:
                        foreach (var (k, v) in labels) AddLabel(ns, k, v, pod);
                        break;
                }
            }
            // Forget label values and namespaces no pod has any more, so churn does not grow the index.
            foreach (var (key, list) in _byLabel)
                if (list.Count == 0) _byLabel.Remove(key);
            foreach (var (ns, list) in _byNamespace)
                if (list.Count == 0) _byNamespace.Remove(ns);
        }

        /// <summary>Lets go of the pods, keeping the storage for the next pass.</summary>
        public void Clear()
        {
            foreach (var list in _byLabel.Values) list.Clear();
            foreach (var list in _byNamespace.Values) list.Clear();
        }

        private void AddLabel(string ns, string key, string value, V1Pod pod)
        {
            if (!_byLabel.TryGetValue((ns, key, value), out var withLabel)) _byLabel[(ns, key, value)] = withLabel = [];
            withLabel.Add(pod);
        }

        /// <summary>
        /// The pods a selector has to be checked against: those carrying the rarest of its plain key=value terms
        /// (every workload selector has one), else the whole namespace. The selector itself still decides.
        /// </summary>
        public List<V1Pod> Candidates(string ns, (string Key, string Value)[] plainTerms)
        {
            List<V1Pod>? best = null;
            foreach (var (key, value) in plainTerms)
            {
                var list = _byLabel.TryGetValue((ns, key, value), out var l) ? l : NoPods;
                if (best is null || list.Count < best.Count) best = list;
                if (best.Count == 0) break;
            }
            return best ?? (_byNamespace.TryGetValue(ns, out var all) ? all : NoPods);
        }
    }
}
