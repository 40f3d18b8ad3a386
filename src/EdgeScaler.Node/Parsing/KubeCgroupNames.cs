namespace EdgeScaler.Node.Parsing;

using EdgeScaler.Core.Metrics;

/// <summary>
/// Kubernetes' cgroup naming, read back: the kubelet names a pod's cgroup "pod" + UID under a QoS parent,
/// escaped for systemd ("-" → "_", as a .slice); containerd names a container leaf by its 64-hex ID
/// ("cri-containerd-&lt;id&gt;.scope" under systemd, bare "&lt;id&gt;" under cgroupfs).
/// </summary>
public static class KubeCgroupNames
{
    /// <summary>The kubepods root and QoS parents for each driver, relative to a cgroup hierarchy root.</summary>
    public static (string Path, QosClass Qos)[] QosParents(bool systemd) => systemd
        ?
        [
            ("/kubepods.slice", QosClass.Guaranteed),
            ("/kubepods.slice/kubepods-burstable.slice", QosClass.Burstable),
            ("/kubepods.slice/kubepods-besteffort.slice", QosClass.BestEffort),
        ]
        :
        [
            ("/kubepods", QosClass.Guaranteed),
            ("/kubepods/burstable", QosClass.Burstable),
            ("/kubepods/besteffort", QosClass.BestEffort),
        ];

    /// <summary>
    /// The pod UID (with dashes) if <paramref name="name"/> is a pod cgroup under that QoS parent:
    /// "kubepods-burstable-pod0e9d…_….slice" (systemd) or "pod0e9d…-…" (cgroupfs). Null otherwise
    /// (the QoS sub-slices themselves, stray directories).
    /// </summary>
    public static string? PodUid(string name, QosClass qos, bool systemd)
    {
        ReadOnlySpan<char> uid;
        if (systemd)
        {
            var prefix = qos switch
            {
                QosClass.Burstable => "kubepods-burstable-pod",
                QosClass.BestEffort => "kubepods-besteffort-pod",
                _ => "kubepods-pod",
            };
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".slice", StringComparison.Ordinal)) return null;
            uid = name.AsSpan(prefix.Length, name.Length - prefix.Length - ".slice".Length);
        }
        else
        {
            if (!name.StartsWith("pod", StringComparison.Ordinal)) return null;
            uid = name.AsSpan(3);
        }
        if (uid.Length != 36) return null;
        Span<char> normalized = stackalloc char[36];
        for (var i = 0; i < 36; i++)
        {
            var c = uid[i];
            if (c == '_') c = '-';
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? c != '-' : !char.IsAsciiHexDigit(c)) return null;
            normalized[i] = char.ToLowerInvariant(c);
        }
        return new string(normalized);
    }

    /// <summary>
    /// The container ID if <paramref name="name"/> is a container leaf: "cri-containerd-&lt;64hex&gt;.scope",
    /// "crio-…", "docker-…" (systemd) or a bare 64-hex name (cgroupfs). Null otherwise.
    /// </summary>
    public static string? ContainerId(string name)
    {
        ReadOnlySpan<char> id = name;
        if (id.EndsWith(".scope"))
        {
            id = id[..^".scope".Length];
            var dash = id.LastIndexOf('-');
            if (dash < 0) return null;
            var runtime = id[..dash];
            if (runtime is not ("cri-containerd" or "crio" or "docker")) return null;
            id = id[(dash + 1)..];
        }
        if (id.Length != 64) return null;
        foreach (var c in id) if (!char.IsAsciiHexDigitLower(c)) return null;
        return id.Length == name.Length ? name : new string(id);
    }
}
