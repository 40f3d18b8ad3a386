namespace EdgeScaler.Simulation.Output;

using System.Text;

/// <summary>Writes the result files: each to a temporary name, flushed to disk, then renamed, so a reader never sees half a file.</summary>
public static class OutputFiles
{
    public const string TimelineCsv = "timeline.csv";
    public const string TimelineSvg = "timeline.svg";
    public const string Summary = "summary.md";

    public static void WriteAtomically(string path, Action<TextWriter> write)
    {
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.NewLine = "\n";
            write(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    public static void WriteTimeline(RunResult run, string dir)
    {
        Directory.CreateDirectory(dir);
        WriteAtomically(Path.Combine(dir, TimelineCsv), w => TimelineCsvWriter.Write(run, w));
        WriteAtomically(Path.Combine(dir, TimelineSvg), w => TimelineSvgWriter.Write(run, w));
    }

    public static void WriteSummary(RunResult main, IReadOnlyList<RunSummary> byPolicy, string dir)
    {
        Directory.CreateDirectory(dir);
        WriteAtomically(Path.Combine(dir, Summary), w => w.Write(SummaryWriter.Render(main, byPolicy)));
    }
}
