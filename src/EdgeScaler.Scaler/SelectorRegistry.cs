namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Scaling;

/// <summary>
/// The last known Scale selector of every HPA (upstream's hpaSelectors), for the AmbiguousSelector check: which other
/// HPAs select an HPA's pods. Also indexed by each selector's first plain key=value term, so the common answer
/// ("no other HPA") takes a few lookups per pass instead of a scan over every HPA for every HPA (quadratic in HPAs).
/// </summary>
internal sealed class SelectorRegistry
{
    private readonly Dictionary<HpaRef, ScaleSelector> _all = [];
    private readonly Dictionary<(string Ns, string Key, string Value), List<HpaRef>> _byFirstTerm = [];
    private readonly Dictionary<string, List<HpaRef>> _withoutTerm = new(StringComparer.Ordinal);

    /// <summary>Every HPA's selector, in the registry's order.</summary>
    public IEnumerable<KeyValuePair<HpaRef, ScaleSelector>> Entries => _all;

    public bool TryGet(HpaRef hpa, out ScaleSelector selector) => _all.TryGetValue(hpa, out selector!);

    public void Set(HpaRef hpa, ScaleSelector selector)
    {
        if (_all.TryGetValue(hpa, out var old))
        {
            if (ReferenceEquals(old, selector)) return;
            Unindex(hpa, old);
        }
        _all[hpa] = selector;
        var bucket = selector.PlainTerms.Length > 0 ? Bucket(_byFirstTerm, (hpa.Namespace, selector.PlainTerms[0].Key, selector.PlainTerms[0].Value)) : Bucket(_withoutTerm, hpa.Namespace);
        bucket.Add(hpa);
    }

    public void Remove(HpaRef hpa)
    {
        if (_all.Remove(hpa, out var old)) Unindex(hpa, old);
    }

    /// <summary>
    /// Adds to <paramref name="result"/> every HPA other than <paramref name="self"/> in its namespace whose selector
    /// matches any of the label sets, in the registry's order (the order the scan over all selectors gave).
    /// </summary>
    public void AddOthersMatching(HpaRef self, List<IReadOnlyDictionary<string, string>> labelSets, List<HpaRef> result)
    {
        if (!AnyOtherMatches(self, labelSets)) return;
        // Rare (a misconfiguration): list them all in order, as the message names them.
        foreach (var (other, selector) in _all)
        {
            if (other == self || other.Namespace != self.Namespace) continue;
            foreach (var labels in labelSets)
                if (selector.Selector.Matches(labels)) { result.Add(other); break; }
        }
    }

    /// <summary>
    /// A selector that matches a label set has its first plain term among those labels, so only the HPAs indexed under
    /// one of the set's labels (and those with no plain term) can match.
    /// </summary>
    private bool AnyOtherMatches(HpaRef self, List<IReadOnlyDictionary<string, string>> labelSets)
    {
        foreach (var labels in labelSets)
        {
            foreach (var (k, v) in labels)
                if (_byFirstTerm.TryGetValue((self.Namespace, k, v), out var candidates) && AnyMatches(self, candidates, labels)) return true;
            if (_withoutTerm.TryGetValue(self.Namespace, out var unindexed) && AnyMatches(self, unindexed, labels)) return true;
        }
        return false;
    }

    private bool AnyMatches(HpaRef self, List<HpaRef> candidates, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var other in candidates)
            if (other != self && _all[other].Selector.Matches(labels)) return true;
        return false;
    }

    private void Unindex(HpaRef hpa, ScaleSelector selector)
    {
        if (selector.PlainTerms.Length > 0)
        {
            var key = (hpa.Namespace, selector.PlainTerms[0].Key, selector.PlainTerms[0].Value);
            if (_byFirstTerm.TryGetValue(key, out var list) && list.Remove(hpa) && list.Count == 0) _byFirstTerm.Remove(key);
        }
        else if (_withoutTerm.TryGetValue(hpa.Namespace, out var list) && list.Remove(hpa) && list.Count == 0)
        {
            _withoutTerm.Remove(hpa.Namespace);
        }
    }

    private static List<HpaRef> Bucket<TKey>(Dictionary<TKey, List<HpaRef>> index, TKey key)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        return list;
    }
}
