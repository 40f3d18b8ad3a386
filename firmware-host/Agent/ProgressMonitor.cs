namespace EdgeScaler.Host.Agent;

/// <summary>
/// Knows whether the agent's loops are making progress. Each loop registers with how long it may go without a
/// beat; the watchdog heartbeat is sent only while every loop is within its limit, so a wedged loop (a hung
/// read, a deadlock) stops the heartbeat and systemd restarts the service.
/// </summary>
public sealed class ProgressMonitor(TimeProvider time)
{
    private readonly List<Loop> _loops = [];
    private readonly Lock _lock = new();

    /// <summary>Adds a loop that must <see cref="Loop.Beat"/> at least every <paramref name="stallAfter"/>.</summary>
    public Loop Register(string name, TimeSpan stallAfter)
    {
        var loop = new Loop(name, stallAfter, time);
        lock (_lock) _loops.Add(loop);
        return loop;
    }

    /// <summary>The first loop that has gone too long without a beat, and how long; null when all progress.</summary>
    public (string Name, TimeSpan Since)? FindStalled()
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            foreach (var loop in _loops)
            {
                var since = time.GetElapsedTime(Volatile.Read(ref loop.LastBeat), now);
                if (since > loop.StallAfter) return (loop.Name, since);
            }
        }
        return null;
    }

    public sealed class Loop
    {
        private readonly TimeProvider _time;
        internal long LastBeat;

        internal Loop(string name, TimeSpan stallAfter, TimeProvider time)
        {
            Name = name;
            StallAfter = stallAfter;
            _time = time;
            LastBeat = time.GetTimestamp();
        }

        public string Name { get; }
        public TimeSpan StallAfter { get; }

        /// <summary>Records that the loop has just made progress.</summary>
        public void Beat() => Volatile.Write(ref LastBeat, _time.GetTimestamp());
    }
}
