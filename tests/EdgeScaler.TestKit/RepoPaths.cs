namespace EdgeScaler.TestKit;

/// <summary>Finds files in the repository checkout the tests run from (the folder holding EdgeScaler.sln).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EdgeScaler.sln"))) return dir.FullName;
        throw new InvalidOperationException("EdgeScaler.sln not found above " + AppContext.BaseDirectory);
    }
}
