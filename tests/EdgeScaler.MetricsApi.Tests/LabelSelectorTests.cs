namespace EdgeScaler.MetricsApi.Tests;

using EdgeScaler.MetricsApi.Selectors;

public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "fe", ["version"] = "3", ["example.com/team"] = "a" };
    private static readonly Dictionary<string, string> None = new();

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app = web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=x", true)]
    [InlineData("app", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("tier in (fe,be)", true)]
    [InlineData("tier in (be)", false)]
    [InlineData("tier notin (be)", true)]
    [InlineData("tier notin (fe, be)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("missing in (x)", false)]
    [InlineData("app=web,tier in (fe),!canary", true)]
    [InlineData("app=web,tier in (fe),canary", false)]
    [InlineData("version>2", true)]
    [InlineData("version>3", false)]
    [InlineData("version<4", true)]
    [InlineData("app>1", false)]
    [InlineData("example.com/team=a", true)]
    [InlineData("app=", false)]
    [InlineData("  app=web  ,  tier=fe ", true)]
    public void MatchesLikeKubeApiserver(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Web));

    [Fact]
    public void EmptyValueMatchesEmptyLabel()
    {
        Assert.True(LabelSelector.Parse("app=").Matches(new Dictionary<string, string> { ["app"] = "" }));
        Assert.True(LabelSelector.Parse("app in (,x)").Matches(new Dictionary<string, string> { ["app"] = "" }));
    }

    [Fact]
    public void EmptySelectorMatchesEverythingIncludingUnlabelled()
    {
        Assert.True(LabelSelector.Parse(null).IsEmpty);
        Assert.True(LabelSelector.Parse("   ").Matches(None));
    }

    [Theory]
    [InlineData("app=web,", "expected: identifier or '!'")]
    [InlineData(",app=web", "expected: !, identifier")]
    [InlineData("app in fe", "expected: '('")]
    [InlineData("app in (fe", "expected: ',' or ')'")]
    [InlineData("app in ()", "values set can't be empty")]
    [InlineData("app web", "expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("=web", "expected: !, identifier")]
    [InlineData("app=web=x", "expected: ',' or 'end of string'")]
    [InlineData("version>x", "must be an integer")]
    [InlineData("-bad=x", "invalid label key")]
    [InlineData("UPPER.example.com/x=1", "prefix part")]
    [InlineData("app=-bad-", "invalid label value")]
    [InlineData("!", "expected: identifier")]
    [InlineData("app in (a b)", "expected: ',' or ')'")]
    public void MalformedSelectorsSayWhatWasExpected(string selector, string fragment)
    {
        var e = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(selector));
        Assert.StartsWith("unable to parse requirement: ", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void TooLongKeyAndValueAreRejected()
    {
        Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(new string('a', 64) + "=x"));
        Assert.Throws<SelectorParseException>(() => LabelSelector.Parse("a=" + new string('b', 64)));
        LabelSelector.Parse(new string('a', 63) + "=" + new string('b', 63));
    }

    [Fact]
    public void RoundTripsThroughToString()
    {
        var text = "app=web,tier in (fe,be),!canary,team,version>2,zone notin (a)";
        var parsed = LabelSelector.Parse(text);
        Assert.Equal(6, parsed.Requirements.Count);
        Assert.Equal(parsed.ToString(), LabelSelector.Parse(parsed.ToString()).ToString());
    }

    /// <summary>Property-style: every generated equality/set selector agrees with a direct evaluation.</summary>
    [Fact]
    public void GeneratedSelectorsAgreeWithDirectEvaluation()
    {
        var rng = new Random(42);
        string[] keys = ["a", "b", "c"];
        string[] values = ["x", "y", "z"];
        for (var i = 0; i < 2000; i++)
        {
            var labels = new Dictionary<string, string>();
            foreach (var k in keys) if (rng.Next(3) > 0) labels[k] = values[rng.Next(3)];
            var key = keys[rng.Next(3)];
            var v1 = values[rng.Next(3)];
            var v2 = values[rng.Next(3)];
            var has = labels.TryGetValue(key, out var actual);
            (string text, bool expected) = rng.Next(6) switch
            {
                0 => ($"{key}={v1}", has && actual == v1),
                1 => ($"{key}!={v1}", !has || actual != v1),
                2 => ($"{key} in ({v1},{v2})", has && (actual == v1 || actual == v2)),
                3 => ($"{key} notin ({v1},{v2})", !has || (actual != v1 && actual != v2)),
                4 => (key, has),
                _ => ("!" + key, !has),
            };
            Assert.True(expected == LabelSelector.Parse(text).Matches(labels), $"{text} on {string.Join(",", labels)}");
        }
    }
}
