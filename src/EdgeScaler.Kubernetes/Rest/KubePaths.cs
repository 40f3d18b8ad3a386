namespace EdgeScaler.Kubernetes.Rest;

/// <summary>REST paths for the resources the controller touches.</summary>
public static class KubePaths
{
    /// <summary>/api/v1 for the core group, /apis/{group}/{version} otherwise.</summary>
    public static string GroupVersion(string apiVersion) =>
        apiVersion.Contains('/') ? "/apis/" + apiVersion : "/api/" + apiVersion;

    public static string Collection(string apiVersion, string resource, string? ns) =>
        ns is null ? $"{GroupVersion(apiVersion)}/{resource}" : $"{GroupVersion(apiVersion)}/namespaces/{Uri.EscapeDataString(ns)}/{resource}";

    public static string Object(string apiVersion, string resource, string? ns, string name) =>
        $"{Collection(apiVersion, resource, ns)}/{Uri.EscapeDataString(name)}";

    public const string HpaApiVersion = "autoscaling/v2";
    public const string HpaResource = "horizontalpodautoscalers";

    public static string Hpas(string? ns) => Collection(HpaApiVersion, HpaResource, ns);
    public static string Hpa(string ns, string name) => Object(HpaApiVersion, HpaResource, ns, name);
    public static string HpaStatus(string ns, string name) => Hpa(ns, name) + "/status";
    public static string Pods(string? ns) => Collection("v1", "pods", ns);
    public static string Events(string ns) => Collection("v1", "events", ns);
    public static string Event(string ns, string name) => Object("v1", "events", ns, name);
    public static string ConfigMap(string ns, string name) => Object("v1", "configmaps", ns, name);
    public static string ConfigMaps(string ns) => Collection("v1", "configmaps", ns);
    public static string Lease(string ns, string name) => Object("coordination.k8s.io/v1", "leases", ns, name);
    public static string Leases(string ns) => Collection("coordination.k8s.io/v1", "leases", ns);
}
