namespace EdgeScaler.Host.Agent;

using EdgeScaler.Host.Systemd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>How the sampling loop is paced.</summary>
/// <param name="Interval">Time between the starts of two samples.</param>
/// <param name="SampleBudget">How long one sample may take before the loop counts as stalled (on top of the interval).</param>
public sealed record SamplingSettings(TimeSpan Interval, TimeSpan SampleBudget)
{
    public static SamplingSettings For(TimeSpan interval) => new(interval, TimeSpan.FromSeconds(Math.Max(interval.TotalSeconds, 10)));
}

/// <summary>
/// The agent's heartbeat: takes a sample now and then every interval, tells systemd READY=1 after the first one,
/// beats the <see cref="ProgressMonitor"/> after each so the watchdog sees progress, and logs each problem once.
/// </summary>
public sealed class SamplingLoop(ISampleSource source, SamplingSettings settings, ProgressMonitor progress,
    SystemdNotifier notifier, TimeProvider time, ILogger<SamplingLoop> log) : BackgroundService
{
    public const string LoopName = "the sampling loop";

    /// <summary>Completes when the first sample has been taken (the moment READY=1 is sent).</summary>
    public Task FirstSample => _firstSample.Task;

    /// <summary>Samples taken so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    private readonly TaskCompletionSource _firstSample = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _samples;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loop = progress.Register(LoopName, settings.Interval + settings.SampleBudget);
        var problems = new ProblemLog(log, "sample");
        var failure = new ProblemLog(log, "sampling failed");
        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            var now = time.GetUtcNow();
            IReadOnlyList<string> found;
            try
            {
                // Off the loop's own continuation so a hung read cannot hold up shutdown: stopping abandons the wait.
                found = await Task.Run(() => source.Take(now, stoppingToken), stoppingToken).WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A bug, not a host condition (those come back as problems): keep going, say it once.
                loop.Beat();
                failure.Report([$"{e.GetType().Name}: {e.Message}"]);
                continue;
            }
            failure.Report([]);
            loop.Beat();
            var taken = Interlocked.Increment(ref _samples);
            if (log.IsEnabled(LogLevel.Debug))
                log.LogDebug("sample {Count} taken in {Milliseconds:0.0} ms, {Problems} problems", taken, (time.GetUtcNow() - now).TotalMilliseconds, found.Count);
            problems.Report(found);
            if (_firstSample.TrySetResult())
            {
                notifier.Notify($"READY=1\nSTATUS=sampling every {settings.Interval.TotalSeconds:0.###} s");
                log.LogInformation("first sample taken ({Problems} problems); ready, sampling every {Seconds:0.###} s",
                    found.Count, settings.Interval.TotalSeconds);
            }
        }
        while (await Ticks.NextAsync(timer, stoppingToken).ConfigureAwait(false));
    }
}
