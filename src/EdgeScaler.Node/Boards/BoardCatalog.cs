namespace EdgeScaler.Node.Boards;

using System.Text.Json;
using EdgeScaler.Node.IO;
using EdgeScaler.Node.Parsing;

/// <summary>The board profiles built into the binary (boards/*/profile.json, embedded at build time), and detection.</summary>
public sealed class BoardCatalog
{
    private const string ResourcePrefix = "board:";

    public IReadOnlyList<BoardProfile> Profiles { get; }

    public BoardCatalog(IReadOnlyList<BoardProfile> profiles)
    {
        if (profiles.Count == 0) throw new ArgumentException("no board profiles", nameof(profiles));
        Profiles = profiles;
    }

    private static BoardCatalog? s_builtIn;

    /// <summary>The profiles shipped in boards/, embedded in this assembly.</summary>
    public static BoardCatalog BuiltIn => s_builtIn ??= LoadBuiltIn();

    private static BoardCatalog LoadBuiltIn()
    {
        var asm = typeof(BoardCatalog).Assembly;
        var profiles = new List<BoardProfile>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = asm.GetManifestResourceStream(name)!;
            profiles.Add(Parse(stream, name[ResourcePrefix.Length..]));
        }
        return new BoardCatalog(profiles);
    }

    /// <summary>Parses one profile; unknown keys and bad limits are errors naming the file.</summary>
    public static BoardProfile Parse(Stream json, string source)
    {
        BoardProfile? p;
        try { p = JsonSerializer.Deserialize(json, BoardProfileJsonContext.Default.BoardProfile); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: {e.Message}", e); }
        if (p is null || string.IsNullOrWhiteSpace(p.Id)) throw new InvalidDataException($"{source}: missing \"id\"");
        var problems = p.Limits.Validate();
        if (problems.Count > 0) throw new InvalidDataException($"{source}: thermal: {string.Join("; ", problems)}");
        if (p.Throttle.Source is not ("none" or "rpi-firmware"))
            throw new InvalidDataException($"{source}: throttle.source must be \"rpi-firmware\" or \"none\" (got \"{p.Throttle.Source}\")");
        return p;
    }

    public BoardProfile? Find(string id) => Profiles.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.Ordinal));

    public BoardProfile FallbackProfile => Profiles.FirstOrDefault(p => p.Fallback) ?? Profiles[0];

    /// <summary>
    /// Picks the profile for this host from its device tree. The device's compatible list runs from most
    /// to least specific, so the profile matching the earliest entry wins (a Zero 2 W and a 3B+ share
    /// "brcm,bcm2837" but not their first entry). Then model prefixes; then the fallback profile.
    /// </summary>
    public BoardDetection Detect(IHostFileSystem files)
    {
        var buffer = new byte[4096];
        var compatible = ReadDeviceTree(files, "compatible", buffer, out var r) ? ThermalText.ParseStringList(buffer.AsSpan(0, r)) : [];
        var model = ReadDeviceTree(files, "model", buffer, out r) ? ThermalText.ParseName(buffer.AsSpan(0, r)) : null;

        for (var i = 0; i < compatible.Count; i++)
            foreach (var p in Profiles)
                if (p.Match.Compatible.Contains(compatible[i], StringComparer.Ordinal))
                    return new BoardDetection(p, model, compatible, $"device tree compatible \"{compatible[i]}\"");
        if (model is not null)
            foreach (var p in Profiles)
                foreach (var prefix in p.Match.ModelPrefix)
                    if (model.StartsWith(prefix, StringComparison.Ordinal))
                        return new BoardDetection(p, model, compatible, $"device tree model \"{model}\"");
        var why = model is null && compatible.Count == 0 ? "no device tree" : $"no profile matches model \"{model}\"";
        return new BoardDetection(FallbackProfile, model, compatible, $"{why}; using the fallback profile");
    }

    private static bool ReadDeviceTree(IHostFileSystem files, string name, byte[] buffer, out int length)
    {
        foreach (var dir in (ReadOnlySpan<string>)["/proc/device-tree/", "/sys/firmware/devicetree/base/"])
        {
            var read = files.Read(dir + name, buffer);
            if (read.Ok) { length = read.Length; return true; }
        }
        length = 0;
        return false;
    }
}

/// <summary>Which profile was chosen and why, plus what the device tree said.</summary>
public sealed record BoardDetection(BoardProfile Profile, string? Model, IReadOnlyList<string> Compatible, string Reason);
