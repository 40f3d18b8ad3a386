namespace EdgeScaler.Telemetry.Commands;

using System.Buffers;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Telemetry.Payloads;
using Microsoft.Extensions.Logging;

/// <summary>What to say about one command: the reply for its response topic and the event for `&lt;prefix&gt;/events`.</summary>
public sealed record CommandOutcome(HpaRef Hpa, CommandReply Reply, TelemetryEvent Event);

/// <summary>
/// Validates a `.../set` message and passes it to the same <see cref="IOverrideSink"/> the panel and CLI use.
/// A non-leader returns nothing at all (no reply, no event): the leader answers.
/// </summary>
public sealed class CommandHandler(
    TopicSchema topics, IHpaCatalog catalog, IOverrideSink sink, ILeadership leadership, CommandLimits limits,
    TimeProvider time, ILogger logger)
{
    public async ValueTask<CommandOutcome?> HandleAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!topics.TryParseCommandTopic(topic, out var hpa)) return null;
        if (!leadership.IsLeader)
        {
            logger.LogDebug("MQTT command for {Hpa} ignored: not the leader (the leader answers)", hpa);
            return null;
        }
        var now = time.GetUtcNow();

        // Oversized payloads are refused before copying them anywhere.
        var parsed = payload.Length > limits.MaxPayloadBytes
            ? ParsedCommand.Reject($"payload is {payload.Length} bytes; the limit is {limits.MaxPayloadBytes}")
            : CommandParser.Parse(hpa, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray(), catalog, limits, now);

        if (parsed.Request is null)
        {
            logger.LogWarning("MQTT command for {Hpa} rejected: {Reason}", hpa, parsed.Rejection);
            var rejected = OverrideResult.Rejected(parsed.Rejection!);
            return new CommandOutcome(hpa, PayloadFactory.Reply(hpa, null, rejected), PayloadFactory.RejectedCommandEvent(topics.Node, hpa, parsed.Rejection!, now));
        }

        OverrideResult result;
        try
        {
            result = await sink.SubmitAsync(parsed.Request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result = OverrideResult.Rejected($"override could not be applied: {e.Message}");
        }
        if (result.Accepted) logger.LogInformation("MQTT command for {Hpa} accepted: {Reason}", hpa, result.Reason);
        else logger.LogWarning("MQTT command for {Hpa} rejected by the override path: {Reason}", hpa, result.Reason);
        return new CommandOutcome(hpa, PayloadFactory.Reply(hpa, parsed.Request, result), PayloadFactory.OverrideEvent(topics.Node, parsed.Request, result, now));
    }
}
