namespace EdgeScaler.Simulation.Tests;

/// <summary>Polls what a running simulation shows (its output, its APIs) while it runs.</summary>
internal static class SimulationWait
{
    /// <summary>
    /// The first non-null answer of <paramref name="probe"/>, polled every 50 ms for 30 s; fails at once when the
    /// simulation (<paramref name="run"/>) ends before it answers.
    /// </summary>
    public static async Task<string> WaitFor(Func<string?> probe, Task run)
    {
        for (var i = 0; i < 600; i++)
        {
            if (probe() is { } v) return v;
            if (run.IsCompleted) { await run; throw new InvalidOperationException("the simulation ended before the condition held"); }
            await Task.Delay(50);
        }
        throw new TimeoutException("condition not met in 30 s");
    }
}
