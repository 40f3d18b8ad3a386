namespace EdgeScaler.MetricsApi.Wire;

using System.Globalization;
using EdgeScaler.Core.Units;

/// <summary>The scalar wire formats of metrics.k8s.io: metav1.Time, metav1.Duration and canonical quantities.</summary>
public static class WireFormat
{
    /// <summary>metav1.Time: RFC 3339, UTC, whole seconds (<c>2026-04-25T17:20:42Z</c>).</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>metav1.Duration: Go's Duration.String() (<c>15.021s</c>, <c>1m0.729s</c>).</summary>
    public static string Window(TimeSpan window) => GoDuration.Format(window);

    /// <summary>CPU in nanocores as a canonical DecimalSI quantity with scale -9 (<c>12345n</c>, <c>1500m</c>, <c>2</c>).</summary>
    public static string Cpu(long nanoCores) => Quantity.CpuFromNanoCores(nanoCores).ToString();

    /// <summary>Memory in bytes as a canonical BinarySI quantity (<c>2083864Ki</c>).</summary>
    public static string Memory(long bytes) => Quantity.MemoryFromBytes(bytes).ToString();
}
