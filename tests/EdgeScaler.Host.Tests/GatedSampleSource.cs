namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Agent;

/// <summary>
/// A sample source that can be made to hang — the way a hung sysfs read hangs a real one — to see what the
/// loop and the watchdog do about it.
/// </summary>
public sealed class GatedSampleSource : ISampleSource
{
    private volatile ManualResetEventSlim? _release;
    private readonly ManualResetEventSlim _stuck = new(false);
    private int _calls;

    public volatile IReadOnlyList<string> Problems = [];

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Every sample started from now on hangs until <see cref="Unstick"/>.</summary>
    public void Stick()
    {
        _stuck.Reset();
        _release = new ManualResetEventSlim(false);
    }

    public void Unstick()
    {
        var release = _release;
        _release = null;
        release?.Set();
    }

    /// <summary>Waits until a sample is actually hanging.</summary>
    public bool WaitStuck(TimeSpan timeout) => _stuck.Wait(timeout);

    public IReadOnlyList<string> Take(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (_release is { } release)
        {
            _stuck.Set();
            release.Wait(cancellationToken);
        }
        return Problems;
    }

    /// <summary>Waits until <paramref name="count"/> more samples have been taken.</summary>
    public bool WaitForMoreCalls(int count, TimeSpan timeout)
    {
        var target = Calls + count;
        return SpinWait.SpinUntil(() => Calls >= target, timeout);
    }
}
