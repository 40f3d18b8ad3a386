// A logger that keeps every line, for tests that assert what the code said (and how often): "say so once".
namespace EdgeScaler.TestKit;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

public sealed record CapturedLogLine(LogLevel Level, string Category, string Message);

/// <summary>An ILoggerFactory/ILogger pair that records lines instead of printing them.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<CapturedLogLine> _lines = new();

    public IReadOnlyList<CapturedLogLine> Lines => _lines.ToArray();

    public IReadOnlyList<CapturedLogLine> LinesContaining(string text) =>
        _lines.Where(l => l.Message.Contains(text, StringComparison.OrdinalIgnoreCase)).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new CapturedLogLine(logLevel, category, formatter(state, exception)));
    }
}
