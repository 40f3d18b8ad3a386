namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Cli;

/// <summary>Runs `edgescaler` arguments in-process through the real dispatcher, capturing what it writes.</summary>
internal static class InProcessCli
{
    /// <summary>The exit code, stdout and stderr of one command line (`using static` lets tests write Run("verb", ...)).</summary>
    public static async Task<(int Code, string Out, string Err)> Run(params string[] argv)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await CommandLine.RunAsync(argv, output, errors);
        return (code, output.ToString(), errors.ToString());
    }
}
