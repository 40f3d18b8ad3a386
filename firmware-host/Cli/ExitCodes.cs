namespace EdgeScaler.Host.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran and found a problem (e.g. doctor found a failing check).</summary>
    public const int Failure = 1;
    /// <summary>Bad usage or invalid configuration.</summary>
    public const int Usage = 2;
}
