namespace EdgeScaler.Telemetry.Tests;

using System.Text;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Telemetry.Commands;
using EdgeScaler.Telemetry.Tests.Infrastructure;

public sealed class CommandParserTests
{
    private static readonly HpaRef Web = new("default", "web");
    private static readonly CommandLimits Limits = new(512, TimeSpan.FromDays(7), AllowForce: false, MaxForcedReplicas: 100);
    private static readonly CommandLimits ForceLimits = Limits with { AllowForce = true };

    private static ParsedCommand Parse(string json, CommandLimits? limits = null, HpaRef? hpa = null) =>
        CommandParser.Parse(hpa ?? Web, Encoding.UTF8.GetBytes(json), Samples.DefaultCatalog, limits ?? Limits, Samples.T0);

    [Theory]
    [InlineData("""{"replicas":3}""", 3, null, false)]
    [InlineData("""{"replicas":1}""", 1, null, false)]
    [InlineData("""{"replicas":10}""", 10, null, false)]
    [InlineData("""{"replicas":3,"for":"30m"}""", 3, 1800.0, false)]
    [InlineData("""{"for":"1h30m","replicas":4}""", 4, 5400.0, false)]
    [InlineData("""  {"replicas":3,"force":false}  """, 3, null, false)]
    public void Accepts_pins_within_bounds(string json, int replicas, double? seconds, bool force)
    {
        var parsed = Parse(json);
        Assert.Null(parsed.Rejection);
        var r = parsed.Request!;
        Assert.Equal(replicas, r.Replicas);
        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), r.Duration);
        Assert.Equal(force, r.Force);
        Assert.False(r.Release);
        Assert.Equal(Samples.T0, r.RequestedAt);
        Assert.Equal(EdgeScaler.Core.Overrides.OverrideSource.Mqtt, r.Source);
    }

    [Fact]
    public void Mode_auto_releases()
    {
        var r = Parse("""{"mode":"auto"}""").Request!;
        Assert.True(r.Release);
        Assert.Null(r.Replicas);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("null", "not a JSON object")]
    [InlineData("3", "not a JSON object")]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"replicas":3}}""", "not valid JSON")]
    [InlineData("""{"replicas":3} {"replicas":4}""", "not valid JSON")]
    [InlineData("{}", "expected {\"replicas\":N}")]
    [InlineData("""{"replicas":null}""", "whole number")]
    [InlineData("""{"replicas":3e0}""", "whole number")]
    [InlineData("""{"replicas":99999999999}""", "whole number")]
    [InlineData("""{"replicas":-1}""", "outside [1, 10]")]
    [InlineData("""{"replicas":11}""", "outside [1, 10]")]
    [InlineData("""{"replicas":3,"for":30}""", "duration string")]
    [InlineData("""{"replicas":3,"for":"0s"}""", "at least 1s")]
    [InlineData("""{"replicas":3,"for":"-5m"}""", "at least 1s")]
    [InlineData("""{"replicas":3,"for":"2d"}""", "not a duration")]
    [InlineData("""{"replicas":3,"for":"5 m"}""", "not a duration")]
    [InlineData("""{"replicas":3,"for":"169h"}""", "longer than")]
    [InlineData("""{"replicas":3,"force":"yes"}""", "true or false")]
    [InlineData("""{"replicas":3,"force":true}""", "force is not allowed")]
    [InlineData("""{"mode":"auto","replicas":3}""", "takes no replicas")]
    [InlineData("""{"mode":"auto","for":"1m"}""", "takes no replicas")]
    [InlineData("""{"mode":3}""", "mode must be")]
    [InlineData("""{"mode":"override"}""", "not supported")]
    [InlineData("""{"replicas":{"n":3}}""", "whole number")]
    [InlineData("""{"a":{"b":{"c":1}}}""", "unknown field 'a'")]
    [InlineData("""{"replicas":[[[1]]]}""", "whole number")]
    [InlineData("""{"Replicas":3}""", "unknown field 'Replicas'")]
    [InlineData("""{"replicas":3,"replicas":3}""", "appears twice")]
    public void Rejects_with_a_reason(string json, string reason)
    {
        var parsed = Parse(json);
        Assert.Null(parsed.Request);
        Assert.Contains(reason, parsed.Rejection);
    }

    [Fact]
    public void Rejects_unknown_hpa_after_the_payload_is_understood()
    {
        Assert.Equal("unknown HPA default/nope", Parse("""{"replicas":3}""", hpa: new HpaRef("default", "nope")).Rejection);
    }

    [Fact]
    public void Rejects_oversized_payloads_before_parsing()
    {
        var big = "{\"replicas\":3,\"x\":\"" + new string('a', 600) + "\"}";
        Assert.StartsWith($"payload is {big.Length} bytes; the limit is 512", Parse(big).Rejection);
    }

    [Fact]
    public void Every_replica_count_is_accepted_exactly_within_bounds_or_with_allowed_force()
    {
        for (var r = -3; r <= 110; r++)
        {
            var plain = Parse($$"""{"replicas":{{r}}}""", hpa: new HpaRef("shop", "api"));
            Assert.Equal(r is >= 2 and <= 6, plain.Request is not null);
            var forced = Parse($$"""{"replicas":{{r}},"force":true}""", ForceLimits, new HpaRef("shop", "api"));
            Assert.Equal(r is >= 0 and <= 100, forced.Request is not null);
            if (forced.Request is not null) Assert.True(forced.Request.Force);
        }
    }
}
