namespace EdgeScaler.Node;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;

/// <summary>Builds a sampler from options: host root, board (given or detected), thermal limit overrides.</summary>
public static class NodeSetup
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> with a user-facing message for a host root that does not exist
    /// or an unknown board id (the message lists the known ones).
    /// </summary>
    public static (NodeSampler Sampler, BoardDetection Board) Create(string hostRoot, string? boardId, TimeSpan? zoneTimeout = null, BoardCatalog? catalog = null)
    {
        if (!Directory.Exists(hostRoot)) throw new ArgumentException($"host root '{hostRoot}' does not exist or is not a directory");
        catalog ??= BoardCatalog.BuiltIn;
        var files = new HostFileSystem(hostRoot);
        var detected = catalog.Detect(files);
        if (boardId is not null)
        {
            var chosen = catalog.Find(boardId) ?? throw new ArgumentException(
                $"unknown board '{boardId}' (known: {string.Join(", ", catalog.Profiles.Select(p => p.Id))})");
            detected = detected with { Profile = chosen, Reason = "chosen by configuration" };
        }
        return (new NodeSampler(files, detected.Profile, zoneTimeout), detected);
    }

    /// <summary>The profile's limits with any configured overrides applied.</summary>
    public static ThermalLimits Limits(BoardProfile board, NodeOptions? options)
    {
        var l = board.Limits;
        if (options is null) return l;
        return l with
        {
            WarmCelsius = options.WarmCelsius ?? l.WarmCelsius,
            HotCelsius = options.HotCelsius ?? l.HotCelsius,
            CriticalCelsius = options.CriticalCelsius ?? l.CriticalCelsius,
            HysteresisCelsius = options.HysteresisCelsius ?? l.HysteresisCelsius,
        };
    }
}
