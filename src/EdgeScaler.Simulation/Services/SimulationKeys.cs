namespace EdgeScaler.Simulation.Services;

/// <summary>Key presses for the virtual panel while a simulation runs.</summary>
public interface ISimulationKeys
{
    /// <summary>The next key, or null when there will be no more.</summary>
    ValueTask<char?> NextAsync(CancellationToken cancel);
}

/// <summary>Keys from the terminal (only when stdin is one): read without echo, polled so Ctrl+C still interrupts.</summary>
public sealed class ConsoleKeys : ISimulationKeys
{
    public static ConsoleKeys? IfTerminal() => Console.IsInputRedirected ? null : new ConsoleKeys();

    public async ValueTask<char?> NextAsync(CancellationToken cancel)
    {
        try
        {
            while (!Console.KeyAvailable) await Task.Delay(40, cancel);
            return Console.ReadKey(intercept: true).KeyChar;
        }
        catch (InvalidOperationException) { return null; } // stdin stopped being a terminal
        catch (IOException) { return null; }
    }
}
