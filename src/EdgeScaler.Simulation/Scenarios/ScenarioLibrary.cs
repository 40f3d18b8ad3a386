namespace EdgeScaler.Simulation.Scenarios;

using System.Reflection;

/// <summary>The scenarios from boards/scenarios/, embedded in the binary, and loading a scenario by file or by name.</summary>
public static class ScenarioLibrary
{
    public const string DefaultName = "pi4-heatwave-spike";
    private const string Prefix = "scenarios/";

    public static IReadOnlyList<string> Names =>
        [.. typeof(ScenarioLibrary).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^5]).Order(StringComparer.Ordinal)];

    /// <summary>The embedded scenario's JSON text, or null if there is none by that name.</summary>
    public static string? ReadEmbedded(string name)
    {
        using var stream = typeof(ScenarioLibrary).Assembly.GetManifestResourceStream($"{Prefix}{name}.json");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static Scenario Default => Parse(DefaultName) ?? throw new InvalidOperationException("the default scenario is missing from the build");

    /// <summary>
    /// Loads <paramref name="fileOrName"/>: a path to a scenario file, or the name of an embedded scenario
    /// (with or without ".json"). Throws <see cref="FileNotFoundException"/> when it is neither.
    /// </summary>
    public static Scenario Load(string fileOrName)
    {
        if (File.Exists(fileOrName)) return ScenarioParser.Load(fileOrName);
        var name = Path.GetFileNameWithoutExtension(fileOrName);
        if (!fileOrName.Contains('/') && Parse(name) is { } embedded) return embedded;
        throw new FileNotFoundException($"no scenario file '{fileOrName}' (built-in scenarios: {string.Join(", ", Names)})", fileOrName);
    }

    private static Scenario? Parse(string name) =>
        ReadEmbedded(name) is { } json ? ScenarioParser.Parse(json, $"{name}.json (built in)") : null;
}
