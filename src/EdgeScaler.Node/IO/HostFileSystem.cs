namespace EdgeScaler.Node.IO;

using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;

/// <summary>The real file system, with every host path placed under <see cref="Root"/>.</summary>
public sealed class HostFileSystem : IHostFileSystem
{
    private readonly string _prefix;

    /// <param name="root">The host root: "/" on the host, a fixture directory in tests, "/host" in a pod.</param>
    public HostFileSystem(string root = "/")
    {
        var full = Path.GetFullPath(string.IsNullOrEmpty(root) ? "/" : root);
        Root = full;
        _prefix = full.TrimEnd('/');
    }

    public string Root { get; }

    /// <summary>The real path of a host path.</summary>
    public string Resolve(string path) => _prefix.Length == 0 ? path : string.Concat(_prefix, path);

    public FileRead Read(string path, Span<byte> buffer)
    {
        if (NativeFileReader.IsSupported) return NativeFileReader.ReadFile(_prefix, path, buffer);
        SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(Resolve(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.None);
            // sysfs/procfs report a size of 4096 or 0, so read until EOF rather than trusting the length.
            var total = 0;
            while (total < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer[total..], total);
                if (n == 0) return new FileRead(FileReadStatus.Ok, total);
                total += n;
            }
            Span<byte> probe = stackalloc byte[1];
            return RandomAccess.Read(handle, probe, total) == 0
                ? new FileRead(FileReadStatus.Ok, total)
                : new FileRead(FileReadStatus.TooLarge, total);
        }
        catch (FileNotFoundException) { return new FileRead(FileReadStatus.NotFound, 0); }
        catch (DirectoryNotFoundException) { return new FileRead(FileReadStatus.NotFound, 0); }
        catch (UnauthorizedAccessException) when (Directory.Exists(Resolve(path)))
        {
            return new FileRead(FileReadStatus.IoError, 0, "is a directory");
        }
        catch (UnauthorizedAccessException) { return new FileRead(FileReadStatus.PermissionDenied, 0); }
        catch (IOException e) { return new FileRead(FileReadStatus.IoError, 0, e.Message); }
        catch (NotSupportedException e) { return new FileRead(FileReadStatus.IoError, 0, e.Message); } // e.g. a FIFO: not seekable
        finally { handle?.Dispose(); }
    }

    public FileRead Read(string directory, string fileName, Span<byte> buffer) =>
        NativeFileReader.IsSupported ? NativeFileReader.ReadFile(_prefix, directory, fileName, buffer) : Read(string.Concat(directory, "/", fileName), buffer);

    public FileReadStatus List(string directory, List<string> names)
    {
        try
        {
            // Names only: no full-path strings to build and throw away.
            var entries = new FileSystemEnumerable<string>(Resolve(directory), static (ref FileSystemEntry e) => e.FileName.ToString(),
                new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0, RecurseSubdirectories = false });
            foreach (var name in entries) names.Add(name);
            return FileReadStatus.Ok;
        }
        catch (DirectoryNotFoundException) { return FileReadStatus.NotFound; }
        catch (UnauthorizedAccessException) { return FileReadStatus.PermissionDenied; }
        catch (IOException) { return FileReadStatus.IoError; }
    }

    public bool Exists(string path) => Path.Exists(Resolve(path));
}
