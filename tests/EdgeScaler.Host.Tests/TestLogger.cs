namespace EdgeScaler.Host.Tests;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

/// <summary>Keeps every log line (level and formatted message) so a test can count them.</summary>
public sealed class TestLogger : ILogger, ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Enqueue((logLevel, formatter(state, exception)));

    public ILogger CreateLogger(string categoryName) => this;
    public void Dispose() { }
}
