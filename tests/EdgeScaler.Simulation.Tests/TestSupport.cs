namespace EdgeScaler.Simulation.Tests;

using System.Text;
using System.Threading.Channels;
using EdgeScaler.Simulation.Services;

/// <summary>A writer the simulation writes to from several threads while the test reads it.</summary>
internal sealed class ConcurrentWriter : StringWriter
{
    private readonly object _gate = new();
    public string Text { get { lock (_gate) return ToString(); } }
    public override void Write(char value) { lock (_gate) base.Write(value); }
    public override void Write(string? value) { lock (_gate) base.Write(value); }
    public override void WriteLine(string? value) { lock (_gate) base.WriteLine(value); }
}

/// <summary>Key presses the test types into the simulation's virtual panel.</summary>
internal sealed class TypedKeys : ISimulationKeys
{
    private readonly Channel<char> _keys = Channel.CreateUnbounded<char>();

    public void Type(char key) => _keys.Writer.TryWrite(key);

    public async ValueTask<char?> NextAsync(CancellationToken cancel) => await _keys.Reader.ReadAsync(cancel);
}

/// <summary>timeline.csv read back: columns by name, RFC 4180 quoting undone.</summary>
internal sealed class Timeline
{
    private readonly Dictionary<string, int> _columns;

    public Timeline(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = Fields(lines[0]);
        _columns = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        Header = header;
        Rows = [.. lines.Skip(1).Select(Fields)];
    }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public string Get(string[] row, string column) => row[_columns[column]];

    public static string[] Fields(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return [.. fields];
    }
}
