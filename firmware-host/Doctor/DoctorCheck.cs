namespace EdgeScaler.Host.Doctor;

using System.Text;

public enum CheckStatus { Pass, Warn, Fail }

/// <summary>One doctor finding: what was checked, how it went, and (when not passing) the one thing to do.</summary>
public sealed record DoctorCheck(string Name, CheckStatus Status, string Message, string? Fix = null)
{
    public static DoctorCheck Pass(string name, string message) => new(name, CheckStatus.Pass, message);
    public static DoctorCheck Warn(string name, string message, string fix) => new(name, CheckStatus.Warn, message, fix);
    public static DoctorCheck Fail(string name, string message, string fix) => new(name, CheckStatus.Fail, message, fix);

    public string ToLine() => $"{Label(Status)}  {Name}: {Message}{(Fix is null ? "" : $"\n      fix: {Fix}")}";

    public static string Label(CheckStatus s) => s switch { CheckStatus.Pass => "pass", CheckStatus.Warn => "warn", _ => "FAIL" };

    /// <summary>The checks as a JSON array (hand-written: AOT-safe and stable for scripts).</summary>
    public static string ToJson(IEnumerable<DoctorCheck> checks)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var c in checks)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append("{\"name\":").Append(Quote(c.Name)).Append(",\"status\":").Append(Quote(Label(c.Status).ToLowerInvariant()))
              .Append(",\"message\":").Append(Quote(c.Message)).Append(",\"fix\":").Append(c.Fix is null ? "null" : Quote(c.Fix)).Append('}');
        }
        return sb.Append(']').ToString();
    }

    private static string Quote(string s) => System.Text.Json.JsonEncodedText.Encode(s, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value is var v ? $"\"{v}\"" : "\"\"";
}
