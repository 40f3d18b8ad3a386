namespace EdgeScaler.Host.Agent;

/// <summary>Waits for a <see cref="PeriodicTimer"/> tick; false when stopping, so loops end without an exception.</summary>
public static class Ticks
{
    public static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
