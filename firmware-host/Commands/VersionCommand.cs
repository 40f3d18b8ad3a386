namespace EdgeScaler.Host.Commands;

using System.Reflection;
using System.Runtime.InteropServices;
using EdgeScaler.Host.Cli;

/// <summary>`edgescaler version`: version, commit, runtime identifier, and whether this is a Native AOT build.</summary>
public static class VersionCommand
{
    public static readonly Verb Verb = new("version", "Print version, commit, runtime identifier and build kind",
        """
        Usage: edgescaler version [--json]

        Prints the version, the git commit it was built from, the runtime identifier
        (e.g. linux-arm64) and whether the binary is Native AOT.

        Options:
          --json    One JSON object instead of text.
        """ + "\n", RunAsync);

    public static string Version => typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v
        ? v.Split('+')[0] : "0.0.0";

    public static string Commit => typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v && v.Contains('+')
        ? v[(v.IndexOf('+') + 1)..] : "unknown";

    /// <summary>
    /// True in a Native AOT binary. A Native AOT process has no JIT, so the JIT has compiled nothing; under CoreCLR
    /// at least Main was jitted before this runs. RuntimeFeature.IsDynamicCodeSupported/Compiled cannot tell: with
    /// PublishAot=true the project's runtimeconfig switches them off under the JIT too (aot-build.md §5).
    /// </summary>
    public static bool IsNativeAot => System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false) == 0;

    private static Task<int> RunAsync(VerbContext ctx)
    {
        var args = ctx.Parse([], ["json"]);
        args.ExpectPositionals(0, 0);
        var rid = RuntimeInformation.RuntimeIdentifier;
        if (args.Has("json"))
            ctx.Out.WriteLine($$"""{"version":"{{Version}}","commit":"{{Commit}}","rid":"{{rid}}","aot":{{(IsNativeAot ? "true" : "false")}},"framework":"{{RuntimeInformation.FrameworkDescription}}"}""");
        else
            ctx.Out.WriteLine($"edgescaler {Version} (commit {Commit}, {rid}, {(IsNativeAot ? "native AOT" : "JIT")}, {RuntimeInformation.FrameworkDescription})");
        return Task.FromResult(ExitCodes.Ok);
    }
}
