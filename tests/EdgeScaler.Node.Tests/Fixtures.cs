namespace EdgeScaler.Node.Tests;

using EdgeScaler.Node.Boards;
using EdgeScaler.Node.IO;
using EdgeScaler.TestKit;

/// <summary>The bundled board fixture trees (boards/&lt;id&gt;/fixture) and writable copies of them.</summary>
public static class Fixtures
{
    public static readonly string Repo = RepoPaths.Root;
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static string Board(string id) => Path.Combine(Repo, "boards", id, "fixture");

    public static BoardProfile Profile(string id) => BoardCatalog.BuiltIn.Find(id) ?? throw new ArgumentException(id);

    public static NodeSampler Sampler(string root, string boardId, TimeSpan? zoneTimeout = null) =>
        new(new HostFileSystem(root), Profile(boardId), zoneTimeout);

    public static NodeSample SampleBoard(string id) => Sampler(Board(id), id).Sample(T0);
}

/// <summary>A throw-away copy of a fixture tree that a test may change (bump counters, corrupt files, delete pods).</summary>
public sealed class TempTree : IDisposable
{
    public string Root { get; }

    public TempTree(string boardId)
    {
        Root = Path.Combine(Path.GetTempPath(), "edgescaler-node-" + Guid.NewGuid().ToString("n")[..12]);
        Copy(Fixtures.Board(boardId), Root);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
    }

    public string Path_(string hostPath) => Root + hostPath;

    public void Write(string hostPath, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path_(hostPath))!);
        File.WriteAllText(Path_(hostPath), text);
    }

    public string Read(string hostPath) => File.ReadAllText(Path_(hostPath));

    /// <summary>Host paths of every directory under <paramref name="hostDir"/> whose name matches.</summary>
    public List<string> Dirs(string hostDir, string pattern) =>
        Directory.GetDirectories(Path_(hostDir), pattern, SearchOption.AllDirectories).Select(d => d[Root.Length..]).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
