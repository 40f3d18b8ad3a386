namespace EdgeScaler.Simulation.Services;

using Microsoft.Extensions.Logging;

/// <summary>
/// Routes the real services' log lines (panel, MQTT) to the live view: one line each, "area: message", at or above
/// <paramref name="minimum"/>. The services never write to the terminal themselves, so the live view stays intact.
/// </summary>
internal class SimulationLog(string area, LogLevel minimum, Action<LogLevel, string> write) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var text = formatter(state, exception);
        write(logLevel, text.StartsWith(area + ":", StringComparison.OrdinalIgnoreCase) ? text : $"{area}: {text}");
    }
}

/// <summary>The same, typed, for services that ask for an <see cref="ILogger{TCategoryName}"/>.</summary>
internal sealed class SimulationLog<T>(string area, LogLevel minimum, Action<LogLevel, string> write)
    : SimulationLog(area, minimum, write), ILogger<T>;
