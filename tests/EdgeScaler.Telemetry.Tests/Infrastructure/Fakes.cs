namespace EdgeScaler.Telemetry.Tests.Infrastructure;

using System.Collections.Concurrent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Telemetry.Commands;
using Microsoft.Extensions.Logging;

/// <summary>A small real override store: pins and releases, remembering every request it was given.</summary>
public sealed class InMemoryOverrideSink : IOverrideSink
{
    public ConcurrentQueue<OverrideRequest> Requests { get; } = new();
    public ConcurrentDictionary<HpaRef, (int Replicas, DateTimeOffset? Until)> Active { get; } = new();

    public ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        if (request.Release)
        {
            Active.TryRemove(request.Hpa, out _);
            return ValueTask.FromResult(new OverrideResult(true, "override released; back to auto", null, null));
        }
        var until = request.Duration is { } d ? request.RequestedAt + d : (DateTimeOffset?)null;
        Active[request.Hpa] = (request.Replicas!.Value, until);
        return ValueTask.FromResult(new OverrideResult(true, $"pinned to {request.Replicas}", request.Replicas, until));
    }
}

/// <summary>A fixed set of HPAs with their bounds.</summary>
public sealed class StaticHpaCatalog(params (string Ns, string Name, int Min, int Max)[] hpas) : IHpaCatalog
{
    private readonly Dictionary<HpaRef, HpaBounds> _hpas = hpas.ToDictionary(h => new HpaRef(h.Ns, h.Name), h => new HpaBounds(h.Min, h.Max));

    public bool TryGetBounds(HpaRef hpa, out HpaBounds bounds) => _hpas.TryGetValue(hpa, out bounds);
}

/// <summary>A leadership flag a test flips.</summary>
public sealed class SwitchLeadership(bool leader) : ILeadership
{
    public volatile bool Leader = leader;
    public bool IsLeader => Leader;
}

/// <summary>Collects log lines so a test can wait for the agent to report something.</summary>
public sealed class ListLogger : ILogger
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    public event Action<string>? Logged;

    public IReadOnlyList<string> Lines { get { lock (_gate) return [.. _lines]; } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)}";
        lock (_gate) _lines.Add(line);
        Logged?.Invoke(line);
    }

    public async Task WaitForAsync(Func<string, bool> match, int timeoutSeconds = 20)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLog(string l) { if (match(l)) tcs.TrySetResult(); }
        Logged += OnLog;
        try
        {
            if (Lines.Any(match)) return;
            await tcs.Task.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException("expected log line not seen; log:\n" + string.Join('\n', Lines.TakeLast(20)));
        }
        finally { Logged -= OnLog; }
    }
}
