namespace EdgeScaler.Host.Configuration;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Units;
using EdgeScaler.Node.Boards;

/// <summary>
/// Rules for settings whose options class does not check them itself (it does not implement
/// IValidatedOptions yet): durations kept as strings, board ids. Once a class checks a key, its rule leaves here.
/// </summary>
public static class HostRules
{
    public static IEnumerable<ConfigProblem> Check(EdgeScalerConfig config)
    {
        var node = config.Node;
        if (!GoDuration.TryParse(node.Interval, out var interval))
            yield return new("$.node.interval", Quote(node.Interval), GoDurationJsonConverter.Expected);
        else if (interval <= CpuRateMath.MinimumWindow)
            yield return new("$.node.interval", Quote(node.Interval), "a duration longer than 100ms (shorter windows give no usable CPU rate)");
        if (!GoDuration.TryParse(node.ZoneTimeout, out var zoneTimeout))
            yield return new("$.node.zoneTimeout", Quote(node.ZoneTimeout), GoDurationJsonConverter.Expected);
        else if (zoneTimeout <= TimeSpan.Zero)
            yield return new("$.node.zoneTimeout", Quote(node.ZoneTimeout), "a duration longer than 0s");
        if (string.IsNullOrWhiteSpace(node.HostRoot))
            yield return new("$.node.hostRoot", Quote(node.HostRoot), "a directory such as \"/\" or \"/host\"");
        if (node.Board is { } board && BoardCatalog.BuiltIn.Find(board) is null)
            yield return new("$.node.board", Quote(board),
                $"null (detect from the device tree) or one of {string.Join(", ", BoardCatalog.BuiltIn.Profiles.Select(p => $"\"{p.Id}\""))}");
    }

    private static string Quote(string? s) => s is null ? "null" : System.Text.Json.Nodes.JsonValue.Create(s).ToJsonString();
}
