namespace EdgeScaler.Simulation.Output;

using System.Globalization;

internal static class Csv
{
    public static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public static string F(double d, int decimals) => d.ToString(decimals switch { 0 => "0", 1 => "0.0", 2 => "0.00", _ => "0.000" }, CultureInfo.InvariantCulture);
}
