namespace EdgeScaler.Node;

/// <summary>What kind of trouble a sample ran into.</summary>
public enum ProblemKind
{
    /// <summary>A file that should be there is not (missing controller file, no thermal zones).</summary>
    Missing,
    /// <summary>The file exists but could not be read (permission denied, I/O error).</summary>
    Unreadable,
    /// <summary>The file was read but its content is empty, truncated, not a number or out of range.</summary>
    Malformed,
    /// <summary>A read did not answer within its timeout (a hung sensor).</summary>
    TimedOut,
    /// <summary>A cgroup disappeared while it was being read (pod deleted): it is left out. Not a fault.</summary>
    Vanished,
    /// <summary>The host is set up so that some value cannot exist (memory controller disabled).</summary>
    Configuration,
}

/// <summary>
/// One thing that went wrong in one sample, with the host path it concerns. <see cref="Message"/> is one
/// self-contained log line; the same problem on the next tick gives the same text, so a loop can log it
/// once and again only when it changes.
/// </summary>
public sealed record SampleProblem(ProblemKind Kind, string Path, string Message)
{
    public override string ToString() => Message;
}
