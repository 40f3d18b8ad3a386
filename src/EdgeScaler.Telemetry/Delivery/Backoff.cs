namespace EdgeScaler.Telemetry.Delivery;

/// <summary>
/// Capped exponential backoff with "equal jitter": the delay after the n-th consecutive failure is
/// half of min(max, min·2ⁿ) plus a random share of the other half, so a fleet of nodes that lost the same broker
/// does not reconnect in lock-step, yet no node retries immediately. Pure: the random draw is passed in.
/// </summary>
public sealed class Backoff(TimeSpan min, TimeSpan max)
{
    public TimeSpan Min { get; } = min;

    public TimeSpan Max { get; } = max;

    /// <param name="failures">Consecutive failures so far (0 for the first retry).</param>
    /// <param name="random01">A draw from [0, 1).</param>
    public TimeSpan Delay(int failures, double random01)
    {
        var exponent = Math.Clamp(failures, 0, 30);
        var ceiling = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, exponent));
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + half * Math.Clamp(random01, 0, 1));
    }
}
