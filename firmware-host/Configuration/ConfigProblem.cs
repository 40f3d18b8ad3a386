namespace EdgeScaler.Host.Configuration;

/// <summary>One thing wrong with the configuration.</summary>
/// <param name="Path">JSON path of the offending key, e.g. "$.mqtt.port" or "$.panel.leds[1].pin".</param>
/// <param name="Got">What was found, as written (a JSON value, or a short description such as "no such file").</param>
/// <param name="Expected">What would be accepted.</param>
/// <param name="Source">Where the value came from when it was not the config file (an environment variable).</param>
public sealed record ConfigProblem(string Path, string Got, string Expected, string? Source = null)
{
    public override string ToString()
        => $"{Path}: got {Got}{(Source is null ? "" : $" (from {Source})")}; expected {Expected}";
}
