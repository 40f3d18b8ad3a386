namespace EdgeScaler.Kubernetes.Overrides;

using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using Microsoft.Extensions.Logging;

/// <summary>
/// An override annotation change for one HPA that the API has not accepted yet, as
/// <see cref="OverrideAnnotations.Format"/> writes it (a null value removes the annotation; all null is a release).
/// Only override keys are allowed, and the values must parse back to the same override, so a damaged or hand-edited
/// journal can never put anything else on an HPA.
/// </summary>
public sealed record PendingAnnotations(
    string Namespace,
    string Name,
    Dictionary<string, string?> Annotations,
    DateTimeOffset RequestedAt,
    string Source)
{
    [JsonIgnore]
    public HpaRef Hpa => new(Namespace, Name);

    /// <summary>The entry that stores <paramref name="next"/> (null: release) on <paramref name="hpa"/>.</summary>
    public static PendingAnnotations For(HpaRef hpa, ActiveOverride? next, DateTimeOffset requestedAt, OverrideSource source) =>
        new(hpa.Namespace, hpa.Name, OverrideAnnotations.Format(next), requestedAt, ActiveOverride.SourceToWire(source));

    /// <summary>
    /// The override this entry stores (null for a release), read back through <see cref="OverrideAnnotations.Parse"/>;
    /// false with <paramref name="error"/> when a key is not an override key or a value does not parse.
    /// </summary>
    public bool TryReadOverride(out ActiveOverride? active, out string? error)
    {
        active = null;
        error = null;
        var present = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Annotations ?? [])
        {
            if (!OverrideAnnotations.All.Contains(key)) { error = $"annotation {key} is not an override annotation"; return false; }
            if (value is not null) present[key] = value;
        }
        if (present.Count == 0) return true; // a release
        active = OverrideAnnotations.Parse(present, out error);
        if (active is null) error ??= $"annotation {OverrideAnnotations.Replicas} is missing";
        return active is not null;
    }
}

/// <summary>The journal file's shape: a version and the pending entries (newest per HPA only).</summary>
public sealed record OverrideJournalFile(int Version, List<PendingAnnotations> Pending);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(OverrideJournalFile))]
internal sealed partial class OverrideJournalJsonContext : JsonSerializerContext;

/// <summary>
/// The local journal of override annotations not yet on the API server (it was unreachable when the button was
/// pressed, say). Every change is written whole to a temporary file, fsynced, renamed over the journal and the
/// directory fsynced, so a power cut leaves either the old or the new journal, never half of one. A journal that
/// does not parse (truncated, garbage) is set aside as "&lt;file&gt;.corrupt-&lt;time&gt;" with one clear log line and
/// the HPAs' own annotations win.
/// </summary>
public sealed class OverrideJournal
{
    public const int CurrentVersion = 1;

    private readonly string _path;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Dictionary<HpaRef, PendingAnnotations> _pending = [];

    public OverrideJournal(string path, ILogger<OverrideJournal> log)
    {
        _path = path;
        _log = log;
        Load();
    }

    public string Path => _path;

    public IReadOnlyList<PendingAnnotations> Pending()
    {
        lock (_lock) return [.. _pending.Values.OrderBy(p => p.RequestedAt)];
    }

    /// <summary>Records a change (replacing an older pending one for the same HPA: newest wins) and persists it.</summary>
    public void Add(PendingAnnotations entry)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(entry.Hpa, out var older) && older.RequestedAt > entry.RequestedAt)
            {
                _log.LogInformation("Override journal: {Hpa} already has a newer pending override ({Older:O} from {Source}); keeping it", entry.Hpa, older.RequestedAt, older.Source);
                return;
            }
            _pending[entry.Hpa] = entry;
            Persist();
        }
    }

    /// <summary>Drops the entry once the API has it (only if it is still the same request).</summary>
    public void Complete(PendingAnnotations entry)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(entry.Hpa, out var current) && current.RequestedAt == entry.RequestedAt)
            {
                _pending.Remove(entry.Hpa);
                Persist();
            }
        }
    }

    private void Load()
    {
        if (!File.Exists(_path)) return;
        string reason;
        try
        {
            var bytes = File.ReadAllBytes(_path);
            var file = JsonSerializer.Deserialize(bytes, OverrideJournalJsonContext.Default.OverrideJournalFile);
            if (file is null) reason = "it is empty";
            else if (file.Version != CurrentVersion) reason = $"it has version {file.Version}, this build reads {CurrentVersion}";
            else if (file.Pending is null || file.Pending.Any(p => p is null || string.IsNullOrEmpty(p.Namespace) || string.IsNullOrEmpty(p.Name) || p.Annotations is null))
                reason = "an entry lacks namespace, name or annotations";
            else if (file.Pending.Select(p => p.TryReadOverride(out _, out var e) ? null : $"the entry for {p.Hpa}: {e}").FirstOrDefault(e => e is not null) is { } bad)
                reason = bad;
            else
            {
                foreach (var p in file.Pending) _pending[p.Hpa] = p;
                if (_pending.Count > 0) _log.LogInformation("Override journal {Path}: {Count} override(s) still to write to the API", _path, _pending.Count);
                return;
            }
        }
        catch (JsonException e)
        {
            reason = $"it is not valid JSON ({e.Message})";
        }
        catch (IOException e)
        {
            reason = $"it cannot be read ({e.Message})";
        }
        var aside = $"{_path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        try { File.Move(_path, aside, overwrite: true); }
        catch (IOException) { aside = "(could not move it aside)"; }
        _log.LogError("Override journal {Path} rejected: {Reason}; kept as {Aside}; the HPAs' own override annotations win", _path, reason, aside);
    }

    private void Persist()
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!;
        Directory.CreateDirectory(dir);
        var temp = _path + ".tmp";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new OverrideJournalFile(CurrentVersion, [.. _pending.Values.OrderBy(p => p.RequestedAt)]),
            OverrideJournalJsonContext.Default.OverrideJournalFile);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
        FsyncDirectory(dir);
    }

    /// <summary>Makes the rename durable (the directory entry), as rename-then-crash could otherwise lose it.</summary>
    private static void FsyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Native.Open(dir, Native.O_RDONLY); // O_DIRECTORY differs between x86-64 and arm64; not needed
        if (fd < 0) return; // the file itself is already fsynced
        Native.Fsync(fd);
        Native.Close(fd);
    }
}

internal static partial class Native
{
    public const int O_RDONLY = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);
}
