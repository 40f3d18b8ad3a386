namespace EdgeScaler.Telemetry;

using System.Threading.Channels;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Telemetry.Broker;
using EdgeScaler.Telemetry.Commands;
using EdgeScaler.Telemetry.Delivery;
using EdgeScaler.Telemetry.Discovery;
using EdgeScaler.Telemetry.Payloads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// The MQTT side of one agent: publishes availability, node state, HPA state, events and Home Assistant discovery;
/// takes override commands. One background loop owns the connection (MQTTnet v5's recommended pattern: check with a
/// ping, connect when down), with capped exponential backoff and jitter between failed attempts.
/// </summary>
/// <remarks>Plain API for `simulate` and tests: construct, <see cref="StartAsync"/>, publish, <see cref="DisposeAsync"/>.</remarks>
public sealed class MqttTelemetry : ITelemetryPublisher, IAsyncDisposable
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);

    private readonly TelemetryOptions _options;
    private readonly TopicSchema _topics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly StateSlots _slots = new();
    private readonly CommandHandler? _commands;
    private readonly HomeAssistantDiscovery? _discovery;
    private readonly Backoff _backoff;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Channel<(MqttApplicationMessage Message, ushort PacketId)> _inbox = Channel.CreateBounded<(MqttApplicationMessage, ushort)>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly RecentCommands _recentCommands;
    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _discoveryConfigs = new(StringComparer.Ordinal);
    private readonly Dictionary<HpaRef, (int Current, int Desired, ScaleMode Mode)> _lastScaleEvent = [];
    private readonly string? _softwareVersion;
    private IMqttClient? _client;
    private MqttClientOptions? _clientOptions;
    private EventJournal? _journal;
    private DiscoveryLedger? _ledger;
    private EmbeddedBroker? _embedded;
    private CancellationTokenSource? _stop;
    private readonly CancellationTokenSource _stopWaiting = new();
    private Task _loop = Task.CompletedTask;
    private Task _commandLoop = Task.CompletedTask;
    private volatile bool _discoveryDirty;
    private volatile bool _pingFailed;
    private MqttQualityOfServiceLevel _eventQos = MqttQualityOfServiceLevel.ExactlyOnce;
    private readonly ReadOnlyMemory<byte> _nodeUtf8;
    private long _connects, _statesPublished, _eventsPublished, _commandsAccepted, _commandsRejected, _commandsRedelivered;

    public MqttTelemetry(
        TelemetryOptions options,
        string nodeName,
        IOverrideSink? overrides = null,
        IHpaCatalog? catalog = null,
        ILeadership? leadership = null,
        TimeProvider? time = null,
        ILogger? logger = null,
        string? softwareVersion = null)
    {
        if (!TopicSchema.IsValidLevel(nodeName)) throw new ArgumentException($"node name '{nodeName}' cannot be an MQTT topic level", nameof(nodeName));
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _softwareVersion = softwareVersion;
        _topics = new TopicSchema(options.GetPrefix(), nodeName);
        _nodeUtf8 = System.Text.Encoding.UTF8.GetBytes(nodeName);
        _backoff = new Backoff(options.ReconnectMin, options.ReconnectMax);
        // The broker redelivers from our session for as long as it keeps it; a publisher's retry comes within seconds.
        _recentCommands = new RecentCommands(256, TimeSpan.FromTicks(Math.Max(options.SessionExpiry.Ticks, TimeSpan.FromMinutes(5).Ticks)));
        if (overrides is not null && catalog is not null)
            _commands = new CommandHandler(_topics, catalog, overrides, leadership ?? DelegateLeadership.Always, CommandLimits.From(options), _time, _logger);
        if (options.Discovery)
            _discovery = new HomeAssistantDiscovery(options.DiscoveryPrefix, HomeAssistantDiscovery.SafeId(options.Cluster), _topics, softwareVersion, (int)options.GetStateExpiry().TotalSeconds);
    }

    public TopicSchema Topics => _topics;

    /// <summary>The broker actually used (the embedded one's loopback address when it was started here).</summary>
    public string? BrokerUri { get; private set; }

    public TelemetryStats Stats => new(
        _client?.IsConnected == true,
        Interlocked.Read(ref _connects),
        Interlocked.Read(ref _statesPublished),
        Interlocked.Read(ref _eventsPublished),
        _journal?.PendingCount ?? 0,
        _journal?.Dropped ?? 0,
        Interlocked.Read(ref _commandsAccepted),
        Interlocked.Read(ref _commandsRejected),
        Interlocked.Read(ref _commandsRedelivered));

    /// <summary>Opens the journal, starts the embedded broker if asked, and starts the connection loop. Returns at once.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_stop is not null) throw new InvalidOperationException("telemetry already started");
        _stop = new CancellationTokenSource();
        BrokerUri = string.IsNullOrWhiteSpace(_options.BrokerUri) ? null : _options.BrokerUri;
        if (BrokerUri is null && !_options.EmbeddedBroker)
        {
            _logger.LogInformation("MQTT telemetry off: no broker configured (mqtt.brokerUri) and no embedded broker requested");
            return;
        }

        var journalDir = _options.JournalPath;
        try
        {
            _journal = EventJournal.Open(journalDir, _options.JournalMaxEvents, _logger);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("MQTT telemetry off: event journal {Path} cannot be opened ({Error}); set mqtt.journalPath to a writable directory", journalDir, e.Message);
            return;
        }
        _ledger = new DiscoveryLedger(Path.Combine(journalDir, "discovery.json"), _logger);

        if (BrokerUri is null)
        {
            _embedded = await EmbeddedBroker.StartAsync(_options.EmbeddedBrokerPort, _logger, cancellationToken);
            BrokerUri = _embedded.Uri;
        }

        if (_discovery is not null)
        {
            lock (_gate) _discoveryConfigs[_discovery.NodeConfigTopic] = _discovery.NodeConfig();
        }
        _clientOptions = MqttClientOptionsFactory.Build(_options, BrokerUri, _topics.Node, _topics);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _loop = Task.Run(() => RunAsync(_stopWaiting.Token, _stop.Token), CancellationToken.None);
        _commandLoop = Task.Run(() => ProcessCommandsAsync(_stop.Token), CancellationToken.None);
        _logger.LogInformation("MQTT telemetry publishing to {Broker} under {Prefix} as {ClientId}", BrokerUri, _topics.Prefix, _clientOptions.ClientId);
    }

    /// <summary>
    /// Lets the loop finish its current publish, then delivers what it can within a few seconds, says `offline` on purpose
    /// (a clean disconnect sends no Will) and disconnects.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stop is null || _stop.IsCancellationRequested) return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        await using (deadline.Token.Register(() => _stop.Cancel()))
        {
            await _stopWaiting.CancelAsync();
            await _loop;
        }
        if (!_stop.IsCancellationRequested && _client?.IsConnected == true)
        {
            try
            {
                await FlushAsync(_client, deadline.Token);
                await PublishAsync(_client, _topics.Availability, System.Text.Encoding.UTF8.GetBytes(Availability.Offline), retain: true, expiry: null, deadline.Token);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), deadline.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning("MQTT: clean shutdown incomplete ({Error}); the broker will publish the Will", e.Message);
            }
        }
        await _stop.CancelAsync();
        await _commandLoop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client?.Dispose();
        _journal?.Dispose();
        if (_embedded is not null) await _embedded.DisposeAsync();
        _stop?.Dispose();
        _stopWaiting.Dispose();
    }

    public void PublishNodeState(NodeThermal thermal, NodeUsage? usage, int podCount)
    {
        var payload = PayloadFactory.ToJson(PayloadFactory.NodeState(thermal, usage, podCount));
        _slots.Set(new StateMessage(_topics.NodeState, payload, Retain: true, Expiry: _options.GetStateExpiry()));
        Wake();
    }

    public void PublishDecision(ScaleDecision decision)
    {
        _slots.Set(new StateMessage(_topics.ScalerState(decision.Hpa), PayloadFactory.ToJson(PayloadFactory.ScalerState(decision)), Retain: true, Expiry: null));
        bool journal;
        lock (_gate)
        {
            var key = (decision.CurrentReplicas, decision.DesiredReplicas, decision.Mode);
            var known = _lastScaleEvent.TryGetValue(decision.Hpa, out var last);
            // A scale action, or a change of who decides (thermal hold starts, override ends), is an event; repeats are not.
            journal = (decision.IsRescale || (known && last.Mode != decision.Mode)) && (!known || last != key);
            _lastScaleEvent[decision.Hpa] = key;
            if (_discovery is not null && !_discoveryConfigs.ContainsKey(_discovery.HpaConfigTopic(decision.Hpa)))
            {
                _discoveryConfigs[_discovery.HpaConfigTopic(decision.Hpa)] = _discovery.HpaConfig(decision.Hpa);
                _discoveryDirty = true;
            }
        }
        if (journal) AppendEvent(PayloadFactory.ScaleEvent(_topics.Node, decision));
        Wake();
    }

    public void PublishOverride(OverrideRequest request, OverrideResult result)
    {
        AppendEvent(PayloadFactory.OverrideEvent(_topics.Node, request, result, _time.GetUtcNow()));
        Wake();
    }

    private void AppendEvent(TelemetryEvent ev)
    {
        if (_journal is null) return;
        try
        {
            _journal.Append((seq, epoch) =>
            {
                ev.Seq = seq;
                ev.Epoch = epoch;
                return PayloadFactory.ToJson(ev);
            });
        }
        catch (IOException e)
        {
            _logger.LogError("MQTT event journal write failed ({Error}); event {Type} for {Hpa} not kept", e.Message, ev.Type, ev.Hpa);
        }
    }

    private void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { }
    }

    /// <param name="idle">Cancelled to stop after the current publish (waits and backoff end at once).</param>
    /// <param name="ct">Cancelled to abandon everything, including a publish in flight.</param>
    private async Task RunAsync(CancellationToken idle, CancellationToken ct)
    {
        var failures = 0;
        while (!idle.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var client = _client!;
            try
            {
                if (client.IsConnected is false || _pingFailed) client = await ConnectAsync(ct);
                if (failures > 0) _logger.LogInformation("MQTT reconnected to {Broker} after {Failures} failed attempts", BrokerUri, failures);
                failures = 0;
                await FlushAsync(client, ct);
                if (!await _wake.WaitAsync(PingInterval, idle) && !await client.TryPingAsync(ct))
                {
                    _logger.LogWarning("MQTT ping to {Broker} failed; reconnecting", BrokerUri);
                    _pingFailed = true;
                }
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested || ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var delay = _backoff.Delay(failures, Random.Shared.NextDouble());
                if (failures == 0) _logger.LogWarning("MQTT broker {Broker} unavailable ({Error}); retrying with backoff", BrokerUri, Describe(e));
                else _logger.LogDebug("MQTT attempt {Attempt} failed ({Error}); next in {Delay}", failures + 1, Describe(e), delay);
                failures++;
                try { await Task.Delay(delay, _time, idle); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task<IMqttClient> ConnectAsync(CancellationToken ct)
    {
        var client = _client!;
        if (client.IsConnected)
        {
            try { await client.DisconnectAsync(new MqttClientDisconnectOptions(), ct); }
            catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("MQTT disconnect before reconnect: {Error}", e.Message); }
        }
        _pingFailed = false;
        var result = await client.ConnectAsync(_clientOptions!, ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new MqttDeliveryException($"broker refused the connection: {result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : " (" + result.ReasonString + ")")}");
        Interlocked.Increment(ref _connects);
        _eventQos = EventQos(result.MaximumQoS);
        if (_eventQos != MqttQualityOfServiceLevel.ExactlyOnce)
            _logger.LogWarning("MQTT broker {Broker} supports QoS 1 at most: events are at-least-once; consumers dedupe on (node, epoch, seq)", BrokerUri);

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        var any = false;
        if (_commands is not null) { subscribe.WithTopicFilter(f => f.WithTopic(_topics.CommandFilter).WithAtLeastOnceQoS()); any = true; }
        if (_discovery is not null) { subscribe.WithTopicFilter(f => f.WithTopic(_discovery.StatusTopic).WithAtLeastOnceQoS()); any = true; }
        if (any)
        {
            var granted = await client.SubscribeAsync(subscribe.Build(), ct);
            foreach (var item in granted.Items)
                if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
                    _logger.LogError("MQTT broker refused subscription to {Topic}: {Code} (check the broker ACL)", item.TopicFilter.Topic, item.ResultCode);
        }

        await PublishAsync(client, _topics.Availability, System.Text.Encoding.UTF8.GetBytes(Availability.Online), retain: true, expiry: null, ct);
        if (_discovery is not null) await PublishDiscoveryAsync(client, ct);
        else await RemoveStaleDiscoveryAsync(client, ct);
        _slots.MarkAllDirty();
        _logger.LogInformation("MQTT connected to {Broker} (session present: {Session})", BrokerUri, result.IsSessionPresent);
        return client;
    }

    private async Task FlushAsync(IMqttClient client, CancellationToken ct)
    {
        if (_discoveryDirty && _discovery is not null)
        {
            await PublishDiscoveryAsync(client, ct);
            _slots.MarkAllDirty();
        }

        var batch = _slots.TakeDirty();
        if (batch.Count > 0)
        {
            var sends = new Task[batch.Count];
            for (var i = 0; i < batch.Count; i++) sends[i] = PublishAsync(client, batch[i].Topic, batch[i].Payload, batch[i].Retain, batch[i].Expiry, ct);
            try
            {
                await Task.WhenAll(sends);
                Interlocked.Add(ref _statesPublished, batch.Count);
            }
            catch
            {
                _slots.Restore(batch);
                throw;
            }
        }

        var journal = _journal!;
        while (journal.TryPeek(out var entry))
        {
            var result = await client.PublishAsync(EventMessage(entry), ct);
            switch (result.ReasonCode)
            {
                // With QoS 2 this is the PUBCOMP: the broker has released the event to its subscribers exactly once.
                case MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers:
                    journal.Ack(entry.Seq);
                    Interlocked.Increment(ref _eventsPublished);
                    break;
                case MqttClientPublishReasonCode.TopicNameInvalid or MqttClientPublishReasonCode.PayloadFormatInvalid:
                    // Retrying cannot help and would block every later event.
                    _logger.LogError("MQTT broker refuses event seq {Seq} for good ({Code}); dropped", entry.Seq, result.ReasonCode);
                    journal.Ack(entry.Seq);
                    break;
                default:
                    // Includes a PUBCOMP saying "packet identifier not found": the broker lost the flow, so the event is sent again.
                    throw new MqttDeliveryException($"broker answered {result.ReasonCode} to event seq {entry.Seq}{(result.ReasonString is null ? "" : ": " + result.ReasonString)}");
            }
        }
    }

    /// <summary>
    /// One journaled event as a PUBLISH: QoS 2 (the broker hands it on once even if this PUBLISH is repeated after a broken
    /// flow), and its id as MQTT 5 user properties so consumers can dedupe without parsing the payload.
    /// </summary>
    internal MqttApplicationMessage EventMessage(JournalEntry entry)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(_topics.Events)
            .WithPayload(entry.Payload)
            .WithQualityOfServiceLevel(_eventQos)
            .WithContentType("application/json")
            .WithUserProperty("node", _nodeUtf8)
            .WithUserProperty("seq", System.Text.Encoding.ASCII.GetBytes(entry.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // The epoch the event was journaled under (the same as in its payload); none for events from before epochs.
        if (entry.Epoch is not null) builder.WithUserProperty("epoch", System.Text.Encoding.ASCII.GetBytes(entry.Epoch));
        return builder.Build();
    }

    /// <summary>QoS 2 unless the broker's CONNACK caps it at 1 (e.g. AWS IoT Core); 0 means "not sent" in MQTTnet's result.</summary>
    internal static MqttQualityOfServiceLevel EventQos(MqttQualityOfServiceLevel brokerMaximum) =>
        brokerMaximum == MqttQualityOfServiceLevel.AtLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.ExactlyOnce;

    private async Task PublishAsync(IMqttClient client, string topic, byte[] payload, bool retain, TimeSpan? expiry, CancellationToken ct)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (expiry is { } e) builder.WithMessageExpiryInterval((uint)e.TotalSeconds);
        var result = await client.PublishAsync(builder.Build(), ct);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
            _logger.LogWarning("MQTT broker refused {Topic}: {Code} (check the broker ACL)", topic, result.ReasonCode);
    }

    private async Task PublishDiscoveryAsync(IMqttClient client, CancellationToken ct)
    {
        _discoveryDirty = false;
        KeyValuePair<string, byte[]>[] configs;
        lock (_gate) configs = [.. _discoveryConfigs];
        foreach (var (topic, payload) in configs)
            await PublishAsync(client, topic, payload, retain: true, expiry: null, ct);
        _ledger!.Save(configs.Select(c => c.Key).Concat(_ledger.Load()));
    }

    /// <summary>Discovery is off: delete (empty retained payload) every config this node published while it was on.</summary>
    private async Task RemoveStaleDiscoveryAsync(IMqttClient client, CancellationToken ct)
    {
        var stale = _ledger!.Load();
        if (stale.Count == 0) return;
        foreach (var topic in stale)
            await PublishAsync(client, topic, [], retain: true, expiry: null, ct);
        _ledger.Clear();
        _logger.LogInformation("Home Assistant discovery is off: removed {Count} entities this node had announced", stale.Count);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (_discovery is not null && message.Topic == _discovery.StatusTopic)
        {
            // Home Assistant's birth message: it (re)started and wants discovery and state again.
            if (message.ConvertPayloadToString() == "online")
            {
                _discoveryDirty = true;
                Wake();
            }
            return Task.CompletedTask;
        }
        if (_commands is not null && !_inbox.Writer.TryWrite((message, args.PacketIdentifier)))
            _logger.LogWarning("MQTT command queue full; command on {Topic} dropped", message.Topic);
        return Task.CompletedTask;
    }

    /// <summary>Commands are handled off MQTTnet's receive path so a slow override (Kubernetes API) never stalls the connection.</summary>
    private async Task ProcessCommandsAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (message, packetId) in _inbox.Reader.ReadAllAsync(ct))
            {
                var delivery = CommandDelivery.From(message.Topic, message.Payload, message.ResponseTopic, message.CorrelationData, packetId, message.Dup);
                if (_recentCommands.FindRedelivery(delivery, _time.GetUtcNow()) is { } earlier)
                {
                    // QoS 1 is at-least-once: applying it again would restart a `for` timer and add a second event.
                    Interlocked.Increment(ref _commandsRedelivered);
                    _logger.LogInformation("MQTT command for {Hpa} was delivered again ({Why}); answered as the first time ({Result}), not applied again",
                        earlier.Hpa, delivery.HasCorrelation ? "same correlation data" : "DUP, same packet id", earlier.Reply.Result);
                    await ReplyAsync(message, earlier, ct);
                    continue;
                }
                CommandOutcome? outcome;
                try { outcome = await _commands!.HandleAsync(message.Topic, message.Payload, ct); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogError("MQTT command on {Topic} failed: {Error}", message.Topic, e.Message);
                    continue;
                }
                if (outcome is null) continue;
                _recentCommands.Remember(delivery, outcome, _time.GetUtcNow());
                Interlocked.Increment(ref outcome.Reply.Result == "accepted" ? ref _commandsAccepted : ref _commandsRejected);
                AppendEvent(outcome.Event);
                Wake();
                await ReplyAsync(message, outcome, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task ReplyAsync(MqttApplicationMessage command, CommandOutcome outcome, CancellationToken ct)
    {
        var topic = command.ResponseTopic;
        if (string.IsNullOrEmpty(topic)) return;
        if (!IsAcceptableResponseTopic(topic))
        {
            _logger.LogWarning("MQTT command for {Hpa} asked for a reply on {Topic}, which is not allowed (wildcards or EdgeScaler's own topics); no reply sent", outcome.Hpa, topic);
            return;
        }
        var client = _client;
        if (client?.IsConnected != true) return;
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(PayloadFactory.ToJson(outcome.Reply))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json");
        if (command.CorrelationData is { Length: > 0 } correlation) builder.WithCorrelationData(correlation);
        try { await client.PublishAsync(builder.Build(), ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning("MQTT reply to {Topic} not delivered: {Error}", topic, e.Message);
        }
    }

    /// <summary>A reply may not be used to write into our own state, events or discovery topics.</summary>
    internal bool IsAcceptableResponseTopic(string topic) =>
        topic.Length <= 256
        && topic.IndexOfAny(['+', '#', '\0']) < 0
        && !topic.StartsWith('$')
        && (!topic.StartsWith(_topics.Prefix + "/", StringComparison.Ordinal) || topic.StartsWith(_topics.Prefix + "/replies/", StringComparison.Ordinal))
        && !topic.StartsWith(_options.DiscoveryPrefix + "/", StringComparison.Ordinal);

    private static string Describe(Exception e) => e.InnerException is { } inner && e.Message.Length < 8 ? inner.Message : e.Message;
}

/// <summary>The broker took an event but did not acknowledge it as delivered; it is retried after backoff.</summary>
public sealed class MqttDeliveryException(string message) : Exception(message);
