namespace EdgeScaler.Node.IO;

/// <summary>How a read went. Anything but <see cref="Ok"/> means "no value" — the caller never guesses one.</summary>
public enum FileReadStatus
{
    Ok,
    NotFound,
    PermissionDenied,
    /// <summary>The read failed (EIO, EINVAL from a sensor driver, a directory where a file was expected…).</summary>
    IoError,
    /// <summary>The file is bigger than the buffer; only a prefix was read.</summary>
    TooLarge,
    /// <summary>The read did not finish within its timeout (a hung sensor).</summary>
    TimedOut,
}

/// <summary>The outcome of one read: status, bytes read into the caller's buffer, and the OS error text when it failed.</summary>
public readonly record struct FileRead(FileReadStatus Status, int Length, string? Error = null)
{
    public bool Ok => Status == FileReadStatus.Ok;

    /// <summary>Human words for a failed read, for problem lines ("not found", "permission denied: …").</summary>
    public string Describe() => Status switch
    {
        FileReadStatus.Ok => "ok",
        FileReadStatus.NotFound => "not found",
        FileReadStatus.PermissionDenied => "permission denied",
        FileReadStatus.TooLarge => "file too large",
        FileReadStatus.TimedOut => Error is null ? "read timed out" : $"read timed out: {Error}",
        _ => Error is null ? "read failed" : $"read failed: {Error}",
    };
}

/// <summary>
/// The host's sysfs/procfs/cgroupfs as the sampler sees it. Every path is absolute *within the host*
/// ("/sys/fs/cgroup/cpu.stat"); an implementation maps it under a host root, so fixture trees and a
/// container with the host's /sys mounted at /host/sys work the same. Implementations never throw for
/// missing or unreadable files: they report a status.
/// </summary>
public interface IHostFileSystem
{
    /// <summary>Where host paths live on this machine ("/" on the host itself), for messages.</summary>
    string Root { get; }

    /// <summary>Reads the file into <paramref name="buffer"/> (at most its length).</summary>
    FileRead Read(string path, Span<byte> buffer);

    /// <summary>Reads <paramref name="directory"/>/<paramref name="fileName"/>; lets an implementation skip building the path string.</summary>
    FileRead Read(string directory, string fileName, Span<byte> buffer) => Read(string.Concat(directory, "/", fileName), buffer);

    /// <summary>Adds the names (not paths) of the entries in <paramref name="directory"/> to <paramref name="names"/>.</summary>
    FileReadStatus List(string directory, List<string> names);

    bool Exists(string path);
}
