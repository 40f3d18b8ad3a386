namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Configuration;

public class GoDurationTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2h45m", 9_900_000)]
    [InlineData("0", 0)]
    [InlineData("-3s", -3_000)]
    [InlineData("1500us", 1.5)]
    public void Parses_go_durations(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("1m 30s")]
    [InlineData("00:00:10")]
    [InlineData("99999999999999h")]
    public void Rejects_what_go_rejects(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(250, "250ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(0, "0s")]
    public void Formats_like_go_and_round_trips(double milliseconds, string text)
    {
        var d = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(text, GoDuration.Format(d));
        Assert.True(GoDuration.TryParse(text, out var back));
        Assert.Equal(d, back);
    }
}
