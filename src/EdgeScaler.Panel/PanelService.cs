namespace EdgeScaler.Panel;

using System.Threading.Channels;
using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Panel.Control;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Leds;
using EdgeScaler.Panel.Wiring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Runs the panel: opens the chip, refreshes the LEDs from the agent's status every <see cref="LedTick"/>, and
/// feeds button actions to the <see cref="PanelController"/>. Any GPIO failure — at start or later — is logged
/// once as one line with its fix, shown by <see cref="IPanelHealth"/>, and retried; it never stops the agent.
/// </summary>
public sealed class PanelService : BackgroundService
{
    public static readonly TimeSpan LedTick = TimeSpan.FromMilliseconds(50);

    private readonly PanelOptions _options;
    private readonly PanelOptions? _boardDefaults;
    private readonly IPanelGpio _gpio;
    private readonly IAgentStatusSource _status;
    private readonly PanelHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<PanelAction> _actions = Channel.CreateUnbounded<PanelAction>(new() { SingleReader = true });

    public PanelService(PanelOptions options, PanelOptions? boardDefaults, IPanelGpio gpio, IAgentStatusSource? status,
        IOverrideSink? sink, IAlarmAcknowledger? acknowledger, PanelHealth health, TimeProvider time, ILogger<PanelService> log)
    {
        _options = options;
        _boardDefaults = boardDefaults;
        _gpio = gpio;
        _status = status ?? new FixedStatus(AgentStatus.Starting);
        _health = health;
        _time = time;
        _log = log;
        var targets = TargetSelector.ParseTargets(options.Targets, out var targetErrors);
        foreach (var e in targetErrors) _log.LogWarning("panel: {Problem} (entry ignored)", e);
        Controller = new PanelController(new TargetSelector(targets), _status, sink, acknowledger, time, log,
            options.Name ?? $"panel@{Environment.MachineName}", options.PinMinutes is > 0 ? TimeSpan.FromMinutes(options.PinMinutes.Value) : null);
    }

    public PanelController Controller { get; }

    public IPanelHealth Health => _health;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _health.Set(PanelState.Disabled);
            return; // No panel configured: no GPIO touched.
        }
        var wiring = PanelWiring.Resolve(_options, _boardDefaults, out var errors);
        if (wiring is null)
        {
            var fault = new PanelFault(PanelFaultKind.BadWiring, "panel config: " + string.Join("; ", errors), "fix the panel section of the config (see docs/panel.md)");
            _health.Set(PanelState.Faulted, fault);
            _log.LogError("panel off: {Fault}; the agent carries on without it", fault);
            return;
        }

        var consumer = ConsumeActionsAsync(stoppingToken);
        PanelFault? reported = null;
        var retry = TimeSpan.FromSeconds(Math.Max(1, _options.RetrySeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(wiring, () =>
                {
                    if (reported is not null) _log.LogInformation("panel: back after {Problem}", reported.Kind);
                    reported = null;
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                var fault = e is PanelFaultException pf ? pf.Fault : PanelFaultClassifier.Classify(e, "gpiochip");
                _health.Set(PanelState.Faulted, fault);
                if (reported?.Kind != fault.Kind)
                    _log.LogWarning("panel off: {Fault}; retrying every {Seconds}s, the agent carries on", fault, retry.TotalSeconds);
                reported = fault;
            }
            try { await Task.Delay(retry, _time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        _actions.Writer.TryComplete();
        await consumer;
    }

    private async Task RunSessionAsync(PanelWiring wiring, Action onOpened, CancellationToken ct)
    {
        using var input = new ButtonInput(_time, TimeSpan.FromMilliseconds(Math.Max(1, _options.DebounceMilliseconds)),
            TimeSpan.FromSeconds(_options.AutoHoldSeconds), TimeSpan.FromSeconds(_options.AcknowledgeHoldSeconds),
            wiring.Buttons.Select(b => b.Button), a => _actions.Writer.TryWrite(a));
        using var session = PanelSession.Open(_gpio, wiring, input);
        _health.Set(PanelState.Running);
        onOpened();
        _log.LogInformation("panel: running on {Device}", session.Device);
        var start = _time.GetTimestamp();
        using var tick = new PeriodicTimer(LedTick, _time);
        do
        {
            var status = _status.Current;
            var frame = LedPatterns.Compute(status, Controller.Targets.Current(status), Controller.Indication, _time.GetUtcNow());
            session.Render(frame, _time.GetElapsedTime(start));
        }
        while (await tick.WaitForNextTickAsync(ct));
    }

    private async Task ConsumeActionsAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await foreach (var action in _actions.Reader.ReadAllAsync(ct))
            {
                try { await Controller.HandleAsync(action, ct); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogWarning("panel: {Action} failed: {Message}", action, e.Message);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private sealed class FixedStatus(AgentStatus status) : IAgentStatusSource
    {
        public AgentStatus Current => status;
    }
}
