namespace EdgeScaler.Host.Systemd;

using System.Globalization;

/// <summary>The watchdog systemd asked for (WatchdogSec= in the unit), as sd_watchdog_enabled(3) reads it.</summary>
public static class WatchdogSettings
{
    /// <summary>
    /// The watchdog timeout from WATCHDOG_USEC, or null when there is none, it is malformed, or WATCHDOG_PID
    /// names another process (the variables were inherited, not meant for us).
    /// </summary>
    public static TimeSpan? Timeout(Func<string, string?> getEnvironment, int processId)
    {
        if (!ulong.TryParse(getEnvironment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec == 0)
            return null;
        var pid = getEnvironment("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != processId.ToString(CultureInfo.InvariantCulture)) return null;
        return TimeSpan.FromMicroseconds(usec);
    }

    public static TimeSpan? FromEnvironment() => Timeout(Environment.GetEnvironmentVariable, Environment.ProcessId);
}
