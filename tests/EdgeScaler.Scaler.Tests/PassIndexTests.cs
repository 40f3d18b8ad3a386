namespace EdgeScaler.Scaler.Tests;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Scaler.Metrics;
using k8s.Models;

/// <summary>
/// The per-pass indexes the controller keeps between passes (pods by label, usage by pod, selectors by term): reused
/// storage must never show the previous pass's pods, samples or selectors.
/// </summary>
public sealed class PassIndexTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private static V1Pod Pod(string ns, string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
    };

    private static PodUsage Usage(string ns, string name, long cpuMilli) =>
        new(new PodRef(ns, name, name), "node-a", Now, TimeSpan.FromSeconds(15), [new ContainerUsage("app", new ResourceUsage(cpuMilli * 1_000_000, 1 << 20))]);

    private static PodInfo Info(string name) => new(name, PodPhase.Running, Now, null, []);

    private sealed class SwappableMetrics : IClusterMetrics
    {
        public IReadOnlyList<PodUsage> Current { get; set; } = [];
        public bool HasRates => true;
        public IReadOnlyList<NodeUsage> Nodes() => [];
        public IReadOnlyList<PodUsage> Pods() => Current;
    }

    [Fact]
    public void PassContext_Refilled_ForgetsPodsAndLabelValuesOfThePreviousPass()
    {
        var metrics = new SwappableMetrics();
        var pass = new HpaController.PassContext();
        pass.Reset(metrics, [Pod("a", "web-1", ("app", "web")), Pod("a", "web-2", ("app", "web")), Pod("a", "old-1", ("app", "old")), Pod("b", "web-9", ("app", "web"))]);
        Assert.Equal(["web-1", "web-2"], pass.Candidates("a", [("app", "web")]).Select(p => p.Metadata.Name));
        Assert.Equal(["web-9"], pass.Candidates("b", [("app", "web")]).Select(p => p.Metadata.Name));

        pass.Reset(metrics, [Pod("a", "web-2", ("app", "web"))]);
        Assert.Equal(["web-2"], pass.Candidates("a", [("app", "web")]).Select(p => p.Metadata.Name));
        Assert.Empty(pass.Candidates("a", [("app", "old")]));
        Assert.Empty(pass.Candidates("b", [("app", "web")]));
        Assert.Equal(["web-2"], pass.Candidates("a", []).Select(p => p.Metadata.Name)); // no plain term: the namespace

        pass.Clear();
        Assert.Empty(pass.Candidates("a", [("app", "web")]));
        Assert.Empty(pass.Candidates("a", []));
    }

    [Fact]
    public void ClusterPodMetrics_ReusesAConversionOnlyWhileThePodsSampleIsTheSame()
    {
        var metrics = new SwappableMetrics();
        var web1 = Usage("a", "web-1", 100);
        metrics.Current = [web1, Usage("a", "web-2", 200)];
        var usage = new ClusterPodMetrics(metrics);
        var first = usage.For("a", [Info("web-1"), Info("web-2"), Info("web-3")]);
        Assert.Equal([100, 200], first.Select(s => s.Containers[0].Cpu!.Value.MilliValue()));

        // The same snapshot again: the very same items.
        usage.Reset(metrics);
        var again = usage.For("a", [Info("web-1"), Info("web-2")]);
        Assert.Same(first[0], again[0]);
        Assert.Same(first[1], again[1]);

        // A new snapshot: web-1 kept its sample, web-2 has a new one, web-3 appeared.
        metrics.Current = [web1, Usage("a", "web-2", 250), Usage("a", "web-3", 300)];
        usage.Reset(metrics);
        var next = usage.For("a", [Info("web-1"), Info("web-2"), Info("web-3")]);
        Assert.Same(first[0], next[0]);
        Assert.Equal([100, 250, 300], next.Select(s => s.Containers[0].Cpu!.Value.MilliValue()));

        // Gone from the view: no item (the algorithm counts the pod as missing).
        metrics.Current = [Usage("a", "web-3", 300)];
        usage.Reset(metrics);
        Assert.Equal(["web-3"], usage.For("a", [Info("web-1"), Info("web-3")]).Select(s => s.PodName));
        Assert.Empty(usage.For("b", [Info("web-3")]));
    }

    [Fact]
    public void SelectorRegistry_FindsTheOtherSelectingHpas_LikeAScanOverAll_ThroughChangesAndRemovals()
    {
        // Property-style: random selectors (plain, set-based, negative) and label sets, checked against a brute-force
        // scan over every HPA in the registry's order — the index may only make the answer faster, never different —
        // and against a model of what the registry should hold.
        string[] apps = ["web", "api", "db"];
        string[] tiers = ["front", "back"];
        string[] namespaces = ["a", "b"];
        var random = new Random(7);
        var registry = new SelectorRegistry();
        var expected = new List<(HpaRef Hpa, ScaleSelector Selector)>(); // what a plain ordered map would hold
        string RandomSelector() => random.Next(8) switch
        {
            6 => $"tier={tiers[random.Next(2)]}",
            7 => $"tier={tiers[random.Next(2)]},app={apps[random.Next(3)]}",
            0 => $"app={apps[random.Next(3)]}",
            1 => $"app={apps[random.Next(3)]},tier={tiers[random.Next(2)]}",
            2 => $"tier in ({tiers[random.Next(2)]}),app=={apps[random.Next(3)]}",
            3 => $"app in ({apps[random.Next(3)]},{apps[random.Next(3)]})",
            4 => $"tier!={tiers[random.Next(2)]}",
            _ => "app",
        };
        for (var step = 0; step < 3000; step++)
        {
            var hpa = new HpaRef(namespaces[random.Next(2)], $"hpa-{random.Next(12)}");
            var index = expected.FindIndex(e => e.Hpa == hpa);
            if (random.Next(5) == 0)
            {
                registry.Remove(hpa);
                if (index >= 0) expected.RemoveAt(index);
            }
            else
            {
                var selector = ScaleSelector.TryParse(RandomSelector())!;
                registry.Set(hpa, selector);
                if (index >= 0) expected[index] = (hpa, selector); else expected.Add((hpa, selector));
            }

            var labels = new Dictionary<string, string>();
            if (random.Next(2) == 0) labels["tier"] = tiers[random.Next(2)];
            labels["app"] = apps[random.Next(3)];
            if (random.Next(2) == 0) labels["tier"] = tiers[random.Next(2)];
            var self = new HpaRef(namespaces[random.Next(2)], $"hpa-{random.Next(12)}");
            var found = new List<HpaRef>();
            registry.AddOthersMatching(self, [labels], found);
            bool Selects(HpaRef other, ScaleSelector s) => other != self && other.Namespace == self.Namespace && s.Selector.Matches(labels);
            Assert.Equal(registry.Entries.Where(e => Selects(e.Key, e.Value)).Select(e => e.Key), found);
            Assert.Equal(expected.Where(e => Selects(e.Hpa, e.Selector)).Select(e => e.Hpa.ToString()).Order(), found.Select(h => h.ToString()).Order());
        }
    }
}
