namespace EdgeScaler.Telemetry.Delivery;

using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

/// <summary>How a one-off connection attempt to the configured broker went, from the user's side of the fix.</summary>
public enum BrokerProbeOutcome
{
    Connected,
    /// <summary>The settings cannot even be turned into a connection (URI, unreadable password/CA/cert file).</summary>
    BadSettings,
    /// <summary>The host name does not resolve.</summary>
    UnknownHost,
    /// <summary>TCP failed: nothing listens there (refused) or the host/network is unreachable.</summary>
    Unreachable,
    /// <summary>No answer within the time allowed (firewall dropping packets, wrong address, or a TLS/plain mismatch that hangs).</summary>
    TimedOut,
    /// <summary>The TLS handshake failed (untrusted or mismatched certificate, plain listener, client certificate refused).</summary>
    TlsFailed,
    /// <summary>The broker closed the connection without a CONNACK (often a plain client on a TLS listener).</summary>
    ClosedByBroker,
    /// <summary>The broker answered CONNACK with a refusal (bad credentials, not authorized, banned, ...).</summary>
    Refused,
}

public sealed record BrokerProbeResult(BrokerProbeOutcome Outcome, string Detail, bool Tls, TimeSpan Elapsed, MqttClientConnectResultCode? Code = null);

/// <summary>
/// Connects once to the configured broker with the configured credentials and TLS, under its own throwaway client id
/// (never the agent's: that would take over its session), then disconnects. For `edgescaler doctor`.
/// </summary>
public static class BrokerProbe
{
    public static async Task<BrokerProbeResult> ProbeAsync(TelemetryOptions options, string node, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var brokerUri = options.BrokerUri ?? "";
        var tls = MqttClientOptionsFactory.UsesTls(options, brokerUri);
        var clock = Stopwatch.StartNew();
        MqttClientOptions clientOptions;
        try
        {
            clientOptions = MqttClientOptionsFactory.BuildProbe(options, brokerUri, node);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return new(BrokerProbeOutcome.BadSettings, e.Message, tls, clock.Elapsed);
        }

        using var client = new MqttClientFactory().CreateMqttClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var result = await client.ConnectAsync(clientOptions, deadline.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                return Refused(result.ResultCode, result.ReasonString, tls, clock.Elapsed);
            var elapsed = clock.Elapsed;
            try { await client.DisconnectAsync(new MqttClientDisconnectOptions(), deadline.Token); }
            catch (Exception e) when (e is not OutOfMemoryException) { /* connected is what was asked; a messy goodbye is not a finding */ }
            return new(BrokerProbeOutcome.Connected, result.MaximumQoS == MqttQualityOfServiceLevel.AtLeastOnce ? "broker caps QoS at 1" : "", tls, elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(BrokerProbeOutcome.TimedOut, $"no CONNACK within {timeout.TotalSeconds:0.#} s", tls, clock.Elapsed);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            return Classify(e, tls, clock.Elapsed);
        }
    }

    private static BrokerProbeResult Refused(MqttClientConnectResultCode code, string? reason, bool tls, TimeSpan elapsed) =>
        new(BrokerProbeOutcome.Refused, string.IsNullOrEmpty(reason) ? code.ToString() : $"{code} ({reason})", tls, elapsed, code);

    /// <summary>MQTTnet wraps the cause (socket, TLS) in its own exceptions; the innermost telling one decides.</summary>
    internal static BrokerProbeResult Classify(Exception e, bool tls, TimeSpan elapsed)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case AuthenticationException:
                    return new(BrokerProbeOutcome.TlsFailed, x.Message, tls, elapsed);
                case SocketException s when s.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                    return new(BrokerProbeOutcome.UnknownHost, s.Message, tls, elapsed);
                case SocketException s when s.SocketErrorCode is SocketError.TimedOut:
                    return new(BrokerProbeOutcome.TimedOut, s.Message, tls, elapsed);
                case SocketException s when s.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown:
                    // TCP was up; the broker hung up on what we sent first: the TLS ClientHello, or a plain CONNECT.
                    return new(tls ? BrokerProbeOutcome.TlsFailed : BrokerProbeOutcome.ClosedByBroker, s.Message, tls, elapsed);
                case SocketException s:
                    return new(BrokerProbeOutcome.Unreachable, s.Message, tls, elapsed);
                case IOException io when tls:
                    // The TLS handshake ended with the socket closed: typically a plain listener or a refused client certificate.
                    return new(BrokerProbeOutcome.TlsFailed, io.Message, tls, elapsed);
            }
        }
        return e is MqttCommunicationException
            ? new(BrokerProbeOutcome.ClosedByBroker, e.Message, tls, elapsed)
            : new(BrokerProbeOutcome.Unreachable, e.Message, tls, elapsed);
    }
}
