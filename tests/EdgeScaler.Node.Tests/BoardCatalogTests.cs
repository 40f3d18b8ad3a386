namespace EdgeScaler.Node.Tests;

using System.Text;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;

public class BoardCatalogTests
{
    [Fact]
    public void Built_in_profiles_have_unique_ids_a_fixture_each_and_one_fallback()
    {
        var ids = BoardCatalog.BuiltIn.Profiles.Select(p => p.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Superset(new HashSet<string> { "rpi-3bplus", "rpi-4b", "rpi-5", "rpi-zero2w", "rpi-cm4", "rk3588", "jetson-nano", "jetson-orin-nano", "generic-arm64" }, ids.ToHashSet());
        foreach (var id in ids) Assert.True(Directory.Exists(Fixtures.Board(id)), $"boards/{id}/fixture");
        Assert.Single(BoardCatalog.BuiltIn.Profiles, p => p.Fallback);
        Assert.All(BoardCatalog.BuiltIn.Profiles, p => Assert.Empty(p.Limits.Validate()));
    }

    [Fact]
    public void Raspberry_pis_carry_default_panel_pins()
    {
        var pi = Fixtures.Profile("rpi-4b");
        Assert.NotNull(pi.Panel);
        Assert.Equal(17, pi.Panel!.Value.GetProperty("leds").GetProperty("green").GetProperty("line").GetInt32());
        Assert.Equal("pinctrl-bcm2711", pi.Panel.Value.GetProperty("chip").GetProperty("label").GetString());
    }

    private static BoardProfile ParseText(string json) => BoardCatalog.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");

    [Theory]
    [InlineData("""{"id":"x","thermal":{"warmCelsius":80,"hotCelsius":70}}""", "warm < hot < critical")]
    [InlineData("""{"id":"x","thermal":{"hysteresisCelsius":-1}}""", "hysteresis")]
    [InlineData("""{"id":"x","thermals":{}}""", "thermals")]
    [InlineData("""{"id":"x","throttle":{"source":"vcgencmd"}}""", "throttle.source")]
    [InlineData("""{"name":"no id"}""", "missing \"id\"")]
    [InlineData("""{"id":"x",""", "test.json")]
    public void Bad_profiles_are_rejected_naming_the_problem(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ParseText(json));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test.json", e.Message);
    }

    [Theory]
    [InlineData("raspberrypi,model-zero-2-w\0brcm,bcm2837\0", "Raspberry Pi Zero 2 W Rev 1.0", "rpi-zero2w")]
    [InlineData("raspberrypi,3-model-b-plus\0brcm,bcm2837\0", "Raspberry Pi 3 Model B Plus Rev 1.3", "rpi-3bplus")]
    [InlineData("radxa,rock-5b\0rockchip,rk3588\0", "Radxa ROCK 5B", "rk3588")]
    [InlineData("xunlong,orangepi-5\0rockchip,rk3588s\0", "Orange Pi 5", "rk3588")]
    [InlineData("", "Raspberry Pi 4 Model B Rev 1.5", "rpi-4b")]            // model prefix when compatible is unreadable
    [InlineData("brcm,bcm2711\0", "Raspberry Pi 400 Rev 1.0", "generic-arm64")]  // a relative we have no profile for
    public void Detection_prefers_the_most_specific_compatible(string compatible, string model, string expected)
    {
        using var tree = new TempTree("generic-arm64");
        var dt = "/sys/firmware/devicetree/base/";
        File.Delete(tree.Path_(dt + "compatible"));
        if (compatible.Length > 0) File.WriteAllBytes(tree.Path_(dt + "compatible"), Encoding.ASCII.GetBytes(compatible));
        File.WriteAllBytes(tree.Path_(dt + "model"), Encoding.ASCII.GetBytes(model + "\0"));
        Assert.Equal(expected, BoardCatalog.BuiltIn.Detect(new HostFileSystem(tree.Root)).Profile.Id);
    }

    [Fact]
    public void Setup_rejects_unknown_boards_and_missing_roots_with_a_clear_message()
    {
        var e = Assert.Throws<ArgumentException>(() => NodeSetup.Create(Fixtures.Board("rpi-4b"), "pi9"));
        Assert.Contains("unknown board 'pi9'", e.Message);
        Assert.Contains("rpi-4b", e.Message);
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => NodeSetup.Create("/no/such/root", null)).Message);
        var (sampler, d) = NodeSetup.Create(Fixtures.Board("rpi-4b"), "rpi-cm4");
        Assert.Equal("rpi-cm4", sampler.Board.Id);
        Assert.Equal("chosen by configuration", d.Reason);
    }

    [Fact]
    public void Config_overrides_limits()
    {
        var l = NodeSetup.Limits(Fixtures.Profile("rpi-4b"), new NodeOptions { HotCelsius = 75 });
        Assert.Equal(75, l.HotCelsius);
        Assert.Equal(70, l.WarmCelsius);
    }
}
