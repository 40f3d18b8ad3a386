namespace EdgeScaler.TestKit;

using System.ComponentModel;
using System.Diagnostics;

/// <summary>
/// Real programs the tests drive (mosquitto, mosquitto_sub, kubectl, sshd...). A missing one fails the test with the
/// Debian package to install; it never skips it, so a machine without the real part cannot pass by accident.
/// </summary>
public static class ExternalTool
{
    // Daemons live in sbin, which a non-login shell's PATH often lacks.
    private static readonly string[] SbinDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>The full path of <paramref name="name"/>, searched on PATH and then in the sbin directories.</summary>
    public static string Find(string name, string debianPackage)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SbinDirectories))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"'{name}' is not installed (not on PATH, nor in /usr/sbin): install the Debian package '{debianPackage}' " +
            "(CI installs what .ci/apt.d/*.txt lists). Tests that need it fail rather than skip.");
    }

    /// <summary>Starts <paramref name="name"/> with stdout and stderr redirected (the caller reads or drains them).</summary>
    public static Process Start(string name, string debianPackage, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Find(name, debianPackage), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{name} could not be started: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="name"/> to completion and returns its stdout; a non-zero exit or a hang throws with its stderr.</summary>
    public static async Task<string> RunAsync(string name, string debianPackage, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var argList = args.ToList();
        using var p = Start(name, debianPackage, argList);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        try
        {
            await p.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', argList)} did not finish in {limit.TotalSeconds:0} s");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{name} {string.Join(' ', argList)} failed ({p.ExitCode}): {await stderr}");
        return await stdout;
    }
}
