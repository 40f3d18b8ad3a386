namespace EdgeScaler.Core.Tests.Units;

using EdgeScaler.Core.Units;

/// <summary>Cases follow Go's own time package tests, so our strings round-trip with kubectl and the HPA controller.</summary>
public class GoDurationTests
{
    private const long Us = 1000, Ms = 1000 * Us, S = 1000 * Ms, M = 60 * S, H = 60 * M;

    public static TheoryData<long, string> FormatCases => new()
    {
        { 0, "0s" },
        { 1, "1ns" },
        { 1100, "1.1µs" },
        { 2200 * Us, "2.2ms" },
        { 500 * Ms, "500ms" },
        { 3300 * Ms, "3.3s" },
        { 10002 * Ms, "10.002s" },
        { 15021 * Ms, "15.021s" },
        { 60729 * Ms, "1m0.729s" },
        { 90 * S, "1m30s" },
        { 4 * M + 5 * S, "4m5s" },
        { 4 * M + 5001 * Ms, "4m5.001s" },
        { H, "1h0m0s" },
        { 5 * H + 6 * M + 7001 * Ms, "5h6m7.001s" },
        { 8 * M + 1, "8m0.000000001s" },
        { long.MaxValue, "2562047h47m16.854775807s" },
        { long.MinValue, "-2562047h47m16.854775808s" },
        { -1500 * Ms, "-1.5s" },
        { -1, "-1ns" },
    };

    [Theory, MemberData(nameof(FormatCases))]
    public void Formats_like_go(long ns, string expected) => Assert.Equal(expected, GoDuration.Format(ns));

    [Theory, MemberData(nameof(FormatCases))]
    public void Parses_what_it_formats(long ns, string text) => Assert.Equal(ns, GoDuration.ParseNanoseconds(text));

    public static TheoryData<string, long> ParseCases => new()
    {
        { "0", 0 }, { "-0", 0 }, { "+0", 0 },
        { "5s", 5 * S }, { "30s", 30 * S }, { "1478s", 1478 * S }, { "-5s", -5 * S }, { "+5s", 5 * S },
        { "5.0s", 5 * S }, { "5.6s", 5 * S + 600 * Ms }, { "5.s", 5 * S }, { ".5s", S / 2 },
        { "1.004s", S + 4 * Ms }, { "1.0040s", S + 4 * Ms }, { "100.00100s", 100 * S + Ms },
        { "10ns", 10 }, { "11us", 11 * Us }, { "12µs", 12 * Us }, { "12μs", 12 * Us }, { "13ms", 13 * Ms },
        { "14s", 14 * S }, { "15m", 15 * M }, { "16h", 16 * H },
        { "3h30m", 3 * H + 30 * M }, { "10.5s4m", 4 * M + 10 * S + 500 * Ms }, { "-2m3.4s", -(2 * M + 3 * S + 400 * Ms) },
        { "1h2m3s4ms5us6ns", H + 2 * M + 3 * S + 4 * Ms + 5 * Us + 6 },
        { "39h9m14.425s", 39 * H + 9 * M + 14 * S + 425 * Ms },
        { "52763797000ns", 52763797000 },
        { "0.3333333333333333333h", 20 * M },
        { "9007199254740993ns", (1L << 53) + 1 },
        { "9223372036854775807ns", long.MaxValue },
        { "9223372036854775.807us", long.MaxValue },
        { "9223372036s854ms775us807ns", long.MaxValue },
        { "-9223372036854775808ns", long.MinValue },
        { "-9223372036854775.808us", long.MinValue },
        { "0.100000000000000000000h", 6 * M },
        { "0.830103483285477580700h", 49 * M + 48 * S + 372539827 },
    };

    [Theory, MemberData(nameof(ParseCases))]
    public void Parses_like_go(string text, long expected) => Assert.Equal(expected, GoDuration.ParseNanoseconds(text));

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("-")]
    [InlineData("s")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData(".s")]
    [InlineData("+.s")]
    [InlineData("1d")]
    [InlineData("1.5")]
    [InlineData("PT15S")]
    [InlineData("00:00:15")]
    [InlineData("9223372036854775808ns")]
    [InlineData("9223372036854775.808us")]
    [InlineData("9223372036854ms775us808ns")]
    [InlineData("-9223372036854775809ns")]
    [InlineData("99999999999999999999999h")]
    public void Rejects_what_go_rejects(string text)
    {
        Assert.False(GoDuration.TryParseNanoseconds(text, out _, out var error));
        Assert.Contains($"\"{text}\"", error);
        Assert.Throws<FormatException>(() => GoDuration.ParseNanoseconds(text));
    }

    [Fact]
    public void Null_is_rejected_with_a_reason()
    {
        Assert.False(GoDuration.TryParseNanoseconds(null, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TimeSpan_round_trips_at_tick_resolution()
    {
        var rng = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var ticks = rng.NextInt64(-TimeSpan.FromDays(400).Ticks, TimeSpan.FromDays(400).Ticks);
            var ts = TimeSpan.FromTicks(ticks);
            Assert.Equal(ts, GoDuration.Parse(GoDuration.Format(ts)));
        }
        Assert.Equal(TimeSpan.FromTicks(1), GoDuration.FromNanoseconds(199));
        Assert.Equal(TimeSpan.FromTicks(-1), GoDuration.FromNanoseconds(-199));
        Assert.True(GoDuration.TryParse("1m30s", out var v));
        Assert.Equal(TimeSpan.FromSeconds(90), v);
        Assert.False(GoDuration.TryParse("90", out _));
    }
}
