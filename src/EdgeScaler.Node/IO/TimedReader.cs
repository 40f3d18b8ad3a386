namespace EdgeScaler.Node.IO;

/// <summary>
/// Reads small files that may hang (thermal zones of offline sensors: node_exporter#3071) with a timeout.
/// A blocking read cannot be cancelled, so reads run on a dedicated worker thread and the caller stops
/// waiting after <see cref="Timeout"/>. The worker is our own thread, not the thread pool, so a busy pool
/// cannot make a healthy sensor look hung. When a read hangs, that worker is abandoned (it exits once the
/// read returns, if ever) and a fresh one takes the next reads; while the hung read is still blocked, the
/// same path is reported timed out at once, so a dead sensor costs one blocked thread, not one per sample.
/// Not thread-safe: one caller (the sampling loop).
/// </summary>
public sealed class TimedReader(IHostFileSystem files, TimeSpan timeout) : IDisposable
{
    private readonly Dictionary<string, Job> _stuck = new(StringComparer.Ordinal);
    private Worker? _worker;
    private Job? _spare;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Paths whose earlier read has not returned yet.</summary>
    public int StuckCount
    {
        get { Prune(); return _stuck.Count; }
    }

    /// <summary>Reads <paramref name="path"/> into <paramref name="destination"/>, or reports <see cref="FileReadStatus.TimedOut"/>.</summary>
    public FileRead Read(string path, byte[] destination)
    {
        Prune();
        if (_stuck.ContainsKey(path)) return new FileRead(FileReadStatus.TimedOut, 0, "still blocked in an earlier read");

        var job = _spare is { } s && s.Buffer.Length >= destination.Length ? s : new Job(destination.Length);
        _spare = null;
        job.Start(path);
        (_worker ??= new Worker(files)).Post(job);
        if (!job.Done.Wait(Timeout))
        {
            // The worker may write into job.Buffer whenever the read returns: never reuse this job.
            _stuck[path] = job;
            _worker.Abandon();
            _worker = null;
            return new FileRead(FileReadStatus.TimedOut, 0, $"no answer within {Timeout.TotalMilliseconds:0} ms");
        }
        var result = job.Result;
        job.Buffer.AsSpan(0, result.Length).CopyTo(destination);
        _spare = job;
        return result;
    }

    private void Prune()
    {
        if (_stuck.Count == 0) return;
        foreach (var (path, job) in _stuck)
            if (job.Done.IsSet) _stuck.Remove(path);
    }

    public void Dispose() => _worker?.Abandon();

    private sealed class Job(int size)
    {
        public readonly byte[] Buffer = new byte[size];
        public readonly ManualResetEventSlim Done = new(false);
        public string Path = "";
        public FileRead Result;

        public void Start(string path) { Path = path; Result = default; Done.Reset(); }
    }

    private sealed class Worker
    {
        private readonly IHostFileSystem _files;
        private readonly SemaphoreSlim _ready = new(0);
        private volatile Job? _job;
        private volatile bool _abandoned;

        public Worker(IHostFileSystem files)
        {
            _files = files;
            new Thread(Loop) { IsBackground = true, Name = "edgescaler-sensor-read" }.Start();
        }

        public void Post(Job job) { _job = job; _ready.Release(); }

        /// <summary>Lets the thread end: now if idle, or when its current (hung) read returns.</summary>
        public void Abandon() { _abandoned = true; _ready.Release(); }

        private void Loop()
        {
            while (true)
            {
                _ready.Wait();
                var job = _job;
                _job = null;
                if (job is not null)
                {
                    // An exception here would end the whole process (it is our own thread, not a task):
                    // any unexpected failure of a read is that read's error, never the agent's.
                    try { job.Result = _files.Read(job.Path, job.Buffer); }
                    catch (Exception e) { job.Result = new FileRead(FileReadStatus.IoError, 0, e.Message); }
                    job.Done.Set();
                }
                if (_abandoned) return;
            }
        }
    }
}
