namespace EdgeScaler.Node.IO;

using System.Collections.Concurrent;

/// <summary>
/// Reads small files that may hang (thermal zones of offline sensors: node_exporter#3071) with a timeout.
/// A blocking read cannot be cancelled, so the read runs on the thread pool and the caller stops waiting.
/// While an earlier read of the same path is still stuck, the path is reported timed out at once, so a
/// dead sensor costs one blocked thread, not one per sample.
/// </summary>
public sealed class TimedReader(IHostFileSystem files, TimeSpan timeout)
{
    private readonly ConcurrentDictionary<string, Task> _stuck = new(StringComparer.Ordinal);

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Paths whose earlier read has not returned yet.</summary>
    public int StuckCount => _stuck.Count;

    /// <summary>Reads <paramref name="path"/> into <paramref name="destination"/>, or reports <see cref="FileReadStatus.TimedOut"/>.</summary>
    public FileRead Read(string path, byte[] destination)
    {
        if (_stuck.TryGetValue(path, out var pending) && !pending.IsCompleted)
            return new FileRead(FileReadStatus.TimedOut, 0, "still blocked in an earlier read");
        _stuck.TryRemove(path, out _);

        // The worker reads into its own buffer: if we stop waiting it may still write, long after we return.
        var task = Task.Run(() =>
        {
            var own = new byte[destination.Length];
            var r = files.Read(path, own);
            return (r, own);
        });
        if (!task.Wait(Timeout))
        {
            _stuck[path] = task;
            _ = task.ContinueWith(_ => _stuck.TryRemove(new KeyValuePair<string, Task>(path, task)), TaskScheduler.Default);
            return new FileRead(FileReadStatus.TimedOut, 0, $"no answer within {Timeout.TotalMilliseconds:0} ms");
        }
        var (result, buffer) = task.Result;
        buffer.AsSpan(0, result.Length).CopyTo(destination);
        return result;
    }
}
