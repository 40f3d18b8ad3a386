namespace EdgeScaler.Host.Tests;

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeScaler.Core.Configuration;
using EdgeScaler.Host.Configuration;

/// <summary>
/// The binding and checking mechanism on a shape richer than today's sections (lists, maps, nested objects,
/// nullable values, enums, self-validating options), as areas will add them.
/// </summary>
public class ConfigShapeTests
{
    public enum Colour { Red, Green }

    public sealed class Led : IValidatedOptions
    {
        public int Pin { get; set; }
        public Colour Colour { get; set; } = Colour.Green;

        public IEnumerable<OptionProblem> Validate()
        {
            if (Pin is < 0 or > 27) yield return new("pin", Pin.ToString(), "a BCM pin from 0 to 27");
        }
    }

    public sealed class Limits
    {
        public double HotCelsius { get; set; } = 80;
        public double? CriticalCelsius { get; set; }
    }

    public sealed class Section
    {
        public List<Led> Leds { get; set; } = [];
        public Dictionary<string, Limits> Boards { get; set; } = [];
        public Limits Limits { get; set; } = new();
        public TimeSpan? Timeout { get; set; }
        public string? Name { get; set; }
    }

    public sealed class Root
    {
        public Section Panel { get; set; } = new();
    }

    private static (Root? Value, IReadOnlyList<ConfigProblem> Problems) Bind(string json, Dictionary<string, string>? env = null)
        => ConfigLoader.Bind((JsonObject)JsonNode.Parse(json)!, ShapeJsonContext.Default.Root, env ?? []);

    [Fact]
    public void Nested_objects_lists_and_maps_bind()
    {
        var (root, problems) = Bind("""
            { "panel": { "leds": [ { "pin": 17, "colour": "red" }, { "pin": 27 } ],
                         "boards": { "pi4": { "hotCelsius": 75, "criticalCelsius": 85 } },
                         "limits": { "criticalCelsius": null }, "timeout": "250ms", "name": null } }
            """);
        Assert.Empty(problems);
        Assert.Equal([17, 27], root!.Panel.Leds.Select(l => l.Pin));
        Assert.Equal(Colour.Red, root.Panel.Leds[0].Colour);
        Assert.Equal(85, root.Panel.Boards["pi4"].CriticalCelsius);
        Assert.Equal(TimeSpan.FromMilliseconds(250), root.Panel.Timeout);
    }

    [Fact]
    public void Unknown_keys_and_wrong_types_are_found_at_every_depth_all_at_once()
    {
        var (root, problems) = Bind("""
            { "panel": { "leds": [ { "pin": "seventeen" }, { "pin": 3, "colour": "blue", "blink": true } ],
                         "boards": { "pi4": { "hot": 75 }, "pi5": 3 },
                         "limits": { "hotCelsius": null }, "timeout": "later" } }
            """);
        Assert.Null(root);
        Assert.Equal(
            ["$.panel.leds[0].pin", "$.panel.leds[1].colour", "$.panel.leds[1].blink", "$.panel.boards.pi4.hot",
             "$.panel.boards.pi5", "$.panel.limits.hotCelsius", "$.panel.timeout"],
            problems.Select(p => p.Path));
        Assert.Contains("\"red\", \"green\"", problems[1].Expected);
        Assert.Contains("did you mean \"hotCelsius\"", problems[3].Expected);
    }

    [Fact]
    public void Options_rules_run_after_binding_with_full_paths()
    {
        var (root, problems) = Bind("""{ "panel": { "leds": [ { "pin": 4 }, { "pin": 40 } ] } }""");
        Assert.Null(root);
        var p = Assert.Single(problems);
        Assert.Equal(("$.panel.leds[1].pin", "40", "a BCM pin from 0 to 27"), (p.Path, p.Got, p.Expected));
    }

    [Fact]
    public void Environment_overrides_reach_into_lists_maps_and_missing_sections()
    {
        var (root, problems) = Bind("""{ "panel": { "leds": [ { "pin": 4 } ] } }""", new()
        {
            ["EDGESCALER__PANEL__LEDS__0__PIN"] = "5",
            ["EDGESCALER__PANEL__LEDS__1"] = """{ "pin": 6, "colour": "red" }""",
            ["EDGESCALER__PANEL__BOARDS__pi5__HOTCELSIUS"] = "70.5",
            ["EDGESCALER__PANEL__TIMEOUT"] = "2s",
        });
        Assert.Empty(problems);
        Assert.Equal([5, 6], root!.Panel.Leds.Select(l => l.Pin));
        Assert.Equal(70.5, root.Panel.Boards["pi5"].HotCelsius);
        Assert.Equal(TimeSpan.FromSeconds(2), root.Panel.Timeout);
    }

    [Fact]
    public void Overrides_that_do_not_fit_are_reported_with_their_variable()
    {
        var (_, problems) = Bind("""{ "panel": { "leds": [] } }""", new()
        {
            ["EDGESCALER__PANEL__LEDS__3__PIN"] = "5",
            ["EDGESCALER__PANEL__LIMITS__HOTCELSIUS"] = "warm",
            ["EDGESCALER__PANEL__LIMITS"] = "x",
        });
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("EDGESCALER__PANEL__", p.Source));
        Assert.Contains(problems, p => p.Path == "$.panel.leds[3]");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true, RespectNullableAnnotations = true, Converters = [typeof(GoDurationJsonConverter)])]
[JsonSerializable(typeof(ConfigShapeTests.Root))]
internal sealed partial class ShapeJsonContext : JsonSerializerContext;
