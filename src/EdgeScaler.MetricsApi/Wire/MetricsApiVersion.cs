namespace EdgeScaler.MetricsApi.Wire;

/// <summary>The served versions of metrics.k8s.io. The schema is the same; only apiVersion differs.</summary>
public enum MetricsApiVersion { V1Beta1, V1 }

public static class MetricsApiVersions
{
    public const string Group = "metrics.k8s.io";

    public static readonly MetricsApiVersion[] All = [MetricsApiVersion.V1, MetricsApiVersion.V1Beta1];

    public static string Name(this MetricsApiVersion v) => v == MetricsApiVersion.V1 ? "v1" : "v1beta1";

    public static string GroupVersion(this MetricsApiVersion v) => v == MetricsApiVersion.V1 ? "metrics.k8s.io/v1" : "metrics.k8s.io/v1beta1";

    public static bool TryParse(string? segment, out MetricsApiVersion version)
    {
        switch (segment)
        {
            case "v1": version = MetricsApiVersion.V1; return true;
            case "v1beta1": version = MetricsApiVersion.V1Beta1; return true;
            default: version = default; return false;
        }
    }
}
