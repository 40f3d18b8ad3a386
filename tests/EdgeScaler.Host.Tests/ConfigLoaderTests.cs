namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Configuration;
using EdgeScaler.TestKit;

public class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static ConfigLoadResult Load(string json, Dictionary<string, string>? env = null)
        => ConfigLoader.LoadText("test.json", json, env ?? NoEnv);

    [Fact]
    public void Example_config_is_valid_and_states_the_defaults()
    {
        var example = ConfigLoader.Load(RepoPaths.Of("deploy/edgescaler.example.json"), NoEnv);
        Assert.Empty(example.Problems);
        var defaults = ConfigLoader.LoadText("none", null, NoEnv);
        Assert.Equal(ConfigLoader.ToJson(defaults.Config!), ConfigLoader.ToJson(example.Config!));
    }

    [Fact]
    public void Every_problem_in_the_bad_fixture_is_reported_with_its_path()
    {
        var result = ConfigLoader.Load(RepoPaths.Of("tests/EdgeScaler.Host.Tests/Fixtures/bad-config.json"), NoEnv);
        Assert.False(result.IsValid);
        Assert.Equal(["$.logLevel", "$.node.hostRot", "$.node.interval", "$.mqtt.noSuchSetting", "$.panel"],
            result.Problems.Select(p => p.Path));
        var interval = result.Problems.Single(p => p.Path == "$.node.interval");
        Assert.Equal(("10", "a string"), (interval.Got, interval.Expected));
        Assert.Contains("did you mean \"hostRoot\"", result.Problems.Single(p => p.Path == "$.node.hostRot").Expected);
    }

    [Fact]
    public void Values_bind_into_the_section_classes()
    {
        var result = Load("""{ "logLevel": "Debug", "node": { "hostRoot": "/host", "interval": "1m30s", "board": "rpi-5", "hotCelsius": 78.5 } }""");
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(LogLevelSetting.Debug, result.Config!.LogLevel);
        Assert.Equal("/host", result.Config.Node.HostRoot);
        Assert.Equal("1m30s", result.Config.Node.Interval);
        Assert.Equal("rpi-5", result.Config.Node.Board);
        Assert.Equal(78.5, result.Config.Node.HotCelsius);
    }

    [Fact]
    public void Keys_are_case_insensitive_but_a_key_given_twice_is_an_error()
    {
        Assert.True(Load("""{ "NODE": { "HostRoot": "/h" } }""").IsValid);
        var twice = Load("""{ "node": { "hostRoot": "/a", "HOSTROOT": "/b" } }""");
        Assert.Equal("$.node.HOSTROOT", Assert.Single(twice.Problems).Path);
    }

    [Theory]
    [InlineData("""{ "node": { "interval": "10" } }""", "$.node.interval", "\"10\"")]
    [InlineData("""{ "node": { "interval": "50ms" } }""", "$.node.interval", "\"50ms\"")]
    [InlineData("""{ "node": { "zoneTimeout": "0s" } }""", "$.node.zoneTimeout", "\"0s\"")]
    [InlineData("""{ "node": { "board": "rpi-6" } }""", "$.node.board", "\"rpi-6\"")]
    [InlineData("""{ "node": { "hotCelsius": "hot" } }""", "$.node.hotCelsius", "\"hot\"")]
    [InlineData("""{ "node": { "hostRoot": null } }""", "$.node.hostRoot", "null")]
    [InlineData("""{ "node": { "hostRoot": 7 } }""", "$.node.hostRoot", "7")]
    [InlineData("""{ "node": "fast" }""", "$.node", "\"fast\"")]
    [InlineData("""{ "logLevel": 2 }""", "$.logLevel", "2")]
    [InlineData("""{ "kubernetes": { "anything": true } }""", "$.kubernetes.anything", "true under an unknown key")]
    [InlineData("""{ "node": { "extra": { "deep": 1 } } }""", "$.node.extra", "{\"deep\":1} under an unknown key")]
    [InlineData("""{ "weird key": 1 }""", "$[\"weird key\"]", "1 under an unknown key")]
    public void A_wrong_value_is_reported_with_path_and_value(string json, string path, string got)
    {
        var problem = Assert.Single(Load(json).Problems);
        Assert.Equal(path, problem.Path);
        Assert.Equal(got, problem.Got);
        Assert.False(string.IsNullOrWhiteSpace(problem.Expected));
        Assert.Null(problem.Source);
    }

    [Theory]
    [InlineData("", "an empty file")]
    [InlineData("{ \"node\": ", "invalid JSON at line 1")]
    [InlineData("[1, 2]", "[1,2]")]
    public void Unparseable_or_non_object_files_are_one_clear_problem(string text, string got)
    {
        var problem = Assert.Single(Load(text).Problems);
        Assert.Equal("$", problem.Path);
        Assert.StartsWith(got, problem.Got);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        Assert.True(Load("// c\n{ /* c */ \"node\": { \"hostRoot\": \"/x\", }, }").IsValid);
    }

    [Fact]
    public void Environment_overrides_win_over_the_file_and_match_keys_case_insensitively()
    {
        var result = Load("""{ "node": { "Interval": "5s" } }""",
            new() { ["EDGESCALER__NODE__INTERVAL"] = "30s", ["EDGESCALER__NODE__HOTCELSIUS"] = "77", ["EDGESCALER__LOGLEVEL"] = "warning", ["EDGESCALER_OTHER"] = "ignored" });
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("30s", result.Config!.Node.Interval);
        Assert.Equal(77, result.Config.Node.HotCelsius);
        Assert.Equal(LogLevelSetting.Warning, result.Config.LogLevel);
    }

    [Fact]
    public void A_bad_or_unknown_override_names_its_variable()
    {
        var result = Load("{}", new() { ["EDGESCALER__NODE__HOTCELSIUS"] = "soon", ["EDGESCALER__NODE__HOSTRUT"] = "/x" });
        Assert.Equal(2, result.Problems.Count);
        var unknown = result.Problems.Single(p => p.Path == "$.node.HOSTRUT");
        Assert.Equal("EDGESCALER__NODE__HOSTRUT", unknown.Source);
        Assert.Contains("did you mean \"hostRoot\"", unknown.Expected);
        var bad = result.Problems.Single(p => p.Path == "$.node.hotCelsius");
        Assert.Equal(("\"soon\"", "EDGESCALER__NODE__HOTCELSIUS"), (bad.Got, bad.Source));
    }

    [Fact]
    public void An_explicit_file_must_exist_but_the_default_one_may_be_absent()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "edgescaler.json");
        var problem = Assert.Single(ConfigLoader.Load(missing, NoEnv).Problems);
        Assert.Equal(("$", "no such file"), (problem.Path, problem.Got));
        if (!File.Exists(ConfigLoader.DefaultPath))
        {
            var defaults = ConfigLoader.Load(null, NoEnv);
            Assert.True(defaults.IsValid);
            Assert.False(defaults.FileFound);
        }
    }
}
