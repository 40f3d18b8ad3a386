namespace EdgeScaler.Panel.Tests;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using Microsoft.Extensions.Logging;

/// <summary>An override sink that records every request and answers like the real one would (accept, clamp to a max).</summary>
public sealed class RecordingOverrideSink(int maxReplicas = 10) : IOverrideSink
{
    public List<OverrideRequest> Requests { get; } = [];
    public string? RejectWith { get; set; }

    public ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default)
    {
        lock (Requests) Requests.Add(request);
        if (RejectWith is not null) return ValueTask.FromResult(OverrideResult.Rejected(RejectWith));
        var effective = request.Replicas is { } r ? Math.Min(r, maxReplicas) : (int?)null;
        return ValueTask.FromResult(new OverrideResult(true, request.Release ? "released" : "pinned", effective, null));
    }

    public List<OverrideRequest> Snapshot() { lock (Requests) return [.. Requests]; }
}

public sealed class MutableStatus(AgentStatus initial) : IAgentStatusSource
{
    public AgentStatus Current { get; set; } = initial;
}

public sealed class RecordingAcknowledger : IAlarmAcknowledger
{
    public List<string> By { get; } = [];

    public ValueTask AcknowledgeAsync(string acknowledgedBy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (By) By.Add(acknowledgedBy);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Keeps log lines so tests can check a failure is logged once, with its fix.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Lines { get { lock (_lines) return [.. _lines]; } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
    }
}

public static class Status
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    public static readonly HpaRef Web = new("default", "web");
    public static readonly HpaRef Worker = new("default", "worker");

    public static AgentStatus Healthy(params ScaleDecision[] decisions) =>
        new(true, true, ThermalState.Cool, false, false, false, decisions);

    public static ScaleDecision Decision(HpaRef hpa, int current, int desired, ScaleMode mode = ScaleMode.Auto, DateTimeOffset? at = null) =>
        new(hpa, at ?? T0, current, desired, desired, mode, "test");
}
