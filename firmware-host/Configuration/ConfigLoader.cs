namespace EdgeScaler.Host.Configuration;

using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

/// <summary>The outcome of reading the configuration: the bound config when valid, and every problem found.</summary>
/// <param name="Path">The file that was read (or looked for).</param>
/// <param name="FileFound">False when the default file does not exist and built-in defaults apply.</param>
public sealed record ConfigLoadResult(string Path, bool FileFound, EdgeScalerConfig? Config, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Problems.Count == 0 && Config is not null;
}

/// <summary>
/// Reads `edgescaler.json`: parse (comments and trailing commas allowed), apply `EDGESCALER__*` environment
/// overrides, check the shape against the options classes (every problem, at every depth), bind, then run each
/// options class's own rules.
/// </summary>
public static class ConfigLoader
{
    public const string DefaultPath = "/etc/edgescaler/edgescaler.json";

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads from <paramref name="explicitPath"/> (must exist) or the default path (may be absent).</summary>
    public static ConfigLoadResult Load(string? explicitPath, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var path = explicitPath ?? DefaultPath;
        environment ??= ProcessEnvironment();
        if (Directory.Exists(path)) return Failed(path, true, new ConfigProblem("$", "a directory", "a JSON file"));
        string? text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && explicitPath is null)
        {
            text = null; // no config file at the default place: defaults plus environment overrides
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(path, true, new ConfigProblem("$", Reason(e), "a readable JSON file"));
        }
        return LoadText(path, text, environment);
    }

    /// <summary>Checks and binds config text (null: no file) with the given environment.</summary>
    public static ConfigLoadResult LoadText(string path, string? text, IEnumerable<KeyValuePair<string, string>> environment)
    {
        JsonObject root;
        if (text is null) root = [];
        else
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(text, documentOptions: DocumentOptions);
            }
            catch (JsonException e)
            {
                var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
                var what = text.Trim().Length == 0 ? "an empty file" : $"invalid JSON{where} ({FirstSentence(e.Message)})";
                return Failed(path, true, new ConfigProblem("$", what, "a JSON object such as { \"node\": { ... } } (comments and trailing commas are allowed)"));
            }
            if (parsed is not JsonObject obj)
                return Failed(path, true, new ConfigProblem("$", ConfigValidator.Show(parsed), "a JSON object with sections such as \"node\", \"mqtt\""));
            root = obj;
        }

        CredentialDefaults.Apply(root, environment.FirstOrDefault(e => e.Key == CredentialDefaults.Variable).Value);
        var (config, problems) = Bind(root, ConfigJsonContext.Default.EdgeScalerConfig, environment, HostRules.Check);
        return new ConfigLoadResult(path, text is not null, config, problems);
    }

    /// <summary>
    /// Applies environment overrides to <paramref name="root"/>, checks its shape against <typeparamref name="T"/>,
    /// binds it and runs the options' own rules (and <paramref name="extraRules"/>). Every problem is reported:
    /// when some keys are wrong, the rest is still bound (wrong keys left at their defaults) and rule-checked.
    /// Returns the value only when there are no problems.
    /// </summary>
    public static (T? Value, IReadOnlyList<ConfigProblem> Problems) Bind<T>(JsonObject root, JsonTypeInfo<T> typeInfo,
        IEnumerable<KeyValuePair<string, string>> environment, Func<T, IEnumerable<ConfigProblem>>? extraRules = null)
        where T : class, new()
    {
        var options = typeInfo.Options;
        var problems = new List<ConfigProblem>();
        var sources = new Dictionary<JsonNode, string>(ReferenceEqualityComparer.Instance);
        EnvironmentOverrides.Apply(root, typeof(T), environment, options, sources, problems);

        var shape = new ConfigValidator(options, node => SourceOf(node, sources));
        shape.CheckShape(root, typeof(T), "$", nullAllowed: false);
        problems.AddRange(shape.Problems);
        if (shape.Problems.Count > 0 && !shape.PruneFaulty(root)) return (null, problems);

        T value;
        try
        {
            value = root.Deserialize(typeInfo) ?? new T();
        }
        catch (JsonException e)
        {
            // The shape check should have caught this; report rather than crash if a converter is stricter.
            problems.Add(new ConfigProblem(e.Path ?? "$", "a value the binder rejected", e.Message));
            return (null, problems);
        }
        var rules = new ConfigValidator(options, _ => null);
        rules.CheckRules(value, typeof(T), "$");
        problems.AddRange(rules.Problems);
        if (extraRules is not null) problems.AddRange(extraRules(value));
        return problems.Count == 0 ? (value, []) : (null, problems);
    }

    /// <summary>The effective configuration as JSON (defaults filled in), as `check-config --print` shows it.</summary>
    public static string ToJson(EdgeScalerConfig config) => JsonSerializer.Serialize(config, ConfigJsonContext.Default.EdgeScalerConfig);

    private static string? SourceOf(JsonNode? node, Dictionary<JsonNode, string> sources)
    {
        for (var n = node; n is not null; n = n.Parent)
            if (sources.TryGetValue(n, out var variable)) return variable;
        return null;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private static ConfigLoadResult Failed(string path, bool found, ConfigProblem problem) => new(path, found, null, [problem]);

    private static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        _ => $"an unreadable file ({e.Message})",
    };

    private static IEnumerable<KeyValuePair<string, string>> ProcessEnvironment()
    {
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) yield return new(k, v);
    }
}
