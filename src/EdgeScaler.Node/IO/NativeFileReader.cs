namespace EdgeScaler.Node.IO;

using System.Runtime.InteropServices;
using System.Text;

/// <summary>
/// open/read/close through libc with the path encoded into a stack buffer: no SafeFileHandle, no
/// Path.GetFullPath copy, no exception for a missing file. A sample reads ~3,300 small files on a full
/// node (110 pods); the managed route allocated ~1.4 KB per file, this route none.
/// </summary>
internal static partial class NativeFileReader
{
    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    private const int EINTR = 4, ENOENT = 2, ENOTDIR = 20, EACCES = 13, EPERM = 1, EISDIR = 21;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Reads <paramref name="prefix"/> + <paramref name="path"/> into <paramref name="buffer"/>.</summary>
    public static FileRead ReadFile(string prefix, string path, Span<byte> buffer) => ReadFile(prefix, path, null, buffer);

    /// <summary>Reads <paramref name="prefix"/> + <paramref name="path"/> [+ "/" + <paramref name="fileName"/>].</summary>
    public static unsafe FileRead ReadFile(string prefix, string path, string? fileName, Span<byte> buffer)
    {
        var max = Encoding.UTF8.GetMaxByteCount(prefix.Length + path.Length + (fileName?.Length + 1 ?? 0)) + 1;
        Span<byte> name = max <= 2048 ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(prefix, name);
        n += Encoding.UTF8.GetBytes(path, name[n..]);
        if (fileName is not null)
        {
            name[n++] = (byte)'/';
            n += Encoding.UTF8.GetBytes(fileName, name[n..]);
        }
        name[n] = 0;

        int fd;
        fixed (byte* p = name)
        {
            do fd = Open(p, O_RDONLY | O_CLOEXEC);
            while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        }
        if (fd < 0) return Failure(Marshal.GetLastPInvokeError());
        try
        {
            var total = 0;
            fixed (byte* b = buffer)
            {
                while (true)
                {
                    if (total == buffer.Length)
                    {
                        byte probe;
                        var more = Read(fd, &probe, 1);
                        return more == 0 ? new FileRead(FileReadStatus.Ok, total) : new FileRead(FileReadStatus.TooLarge, total);
                    }
                    var r = Read(fd, b + total, buffer.Length - total);
                    if (r == 0) return new FileRead(FileReadStatus.Ok, total);
                    if (r < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == EINTR) continue;
                        return Failure(errno);
                    }
                    total += (int)r;
                }
            }
        }
        finally { Close(fd); }
    }

    private static FileRead Failure(int errno) => errno switch
    {
        ENOENT or ENOTDIR => new FileRead(FileReadStatus.NotFound, 0),
        EACCES or EPERM => new FileRead(FileReadStatus.PermissionDenied, 0),
        EISDIR => new FileRead(FileReadStatus.IoError, 0, "is a directory"),
        _ => new FileRead(FileReadStatus.IoError, 0, Marshal.GetPInvokeErrorMessage(errno)),
    };
}
