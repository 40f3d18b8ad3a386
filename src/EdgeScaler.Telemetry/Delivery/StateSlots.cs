namespace EdgeScaler.Telemetry.Delivery;

/// <summary>A retained message to keep current on the broker.</summary>
public sealed record StateMessage(string Topic, byte[] Payload, bool Retain, TimeSpan? Expiry);

/// <summary>
/// Latest-wins holding area for state topics: while the broker is away, ten updates of one topic collapse into
/// the newest, so reconnecting sends one message per topic instead of a backlog. Thread-safe.
/// </summary>
public sealed class StateSlots
{
    private readonly object _gate = new();
    private readonly Dictionary<string, StateMessage> _latest = new(StringComparer.Ordinal);
    private readonly List<string> _dirtyOrder = [];
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    public int Count { get { lock (_gate) return _latest.Count; } }

    public int DirtyCount { get { lock (_gate) return _dirty.Count; } }

    public void Set(StateMessage message)
    {
        lock (_gate)
        {
            _latest[message.Topic] = message;
            if (_dirty.Add(message.Topic)) _dirtyOrder.Add(message.Topic);
        }
    }

    public bool TryGet(string topic, out StateMessage? message)
    {
        lock (_gate) return _latest.TryGetValue(topic, out message);
    }

    /// <summary>After a reconnect: every topic needs publishing again (a broker restart may have lost retained state).</summary>
    public void MarkAllDirty()
    {
        lock (_gate)
            foreach (var topic in _latest.Keys)
                if (_dirty.Add(topic)) _dirtyOrder.Add(topic);
    }

    /// <summary>Takes the topics to publish now, in the order they first became dirty, newest payload each.</summary>
    public List<StateMessage> TakeDirty()
    {
        lock (_gate)
        {
            var batch = new List<StateMessage>(_dirtyOrder.Count);
            foreach (var topic in _dirtyOrder) batch.Add(_latest[topic]);
            _dirtyOrder.Clear();
            _dirty.Clear();
            return batch;
        }
    }

    /// <summary>Puts back messages a failed publish did not deliver, unless a newer payload has arrived meanwhile.</summary>
    public void Restore(IEnumerable<StateMessage> undelivered)
    {
        lock (_gate)
            foreach (var m in undelivered)
                if (_latest.TryGetValue(m.Topic, out var current) && _dirty.Add(current.Topic)) _dirtyOrder.Add(current.Topic);
    }
}
