namespace EdgeScaler.MetricsApi.Cluster;

using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;

/// <summary>
/// What one agent tells its peers: its own node's and pods' usage (never the merged view, so views cannot loop).
/// Served at <c>/apis/edgescaler.io/v1/localsamples</c>; exact integers (nanocores, bytes, Unix ms, ns) rather than
/// quantities so nothing is lost or re-parsed.
/// </summary>
public sealed record LocalSamples(string NodeName, NodeUsage? Node, IReadOnlyList<PodUsage> Pods)
{
    /// <summary>The node's thermal state as its own agent classified it, so the leader's thermal policy sees every node.</summary>
    public ThermalState Thermal { get; init; } = ThermalState.Unknown;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(ToDto(), LocalSamplesJsonContext.Default.LocalSamplesDto);

    /// <exception cref="FormatException">Not a local-samples document.</exception>
    public static LocalSamples FromJson(ReadOnlySpan<byte> json)
    {
        LocalSamplesDto? dto;
        try { dto = JsonSerializer.Deserialize(json, LocalSamplesJsonContext.Default.LocalSamplesDto); }
        catch (JsonException e) { throw new FormatException("peer sent malformed local samples: " + e.Message, e); }
        if (dto is null || string.IsNullOrEmpty(dto.NodeName)) throw new FormatException("peer sent local samples without a node name");
        var node = dto.Node is { } n
            ? new NodeUsage(n.Name, FromMs(n.TimestampUnixMs), FromNs(n.WindowNs), new ResourceUsage(n.CpuNanoCores, n.MemoryBytes)) { Labels = n.Labels ?? [] }
            : null;
        var pods = (dto.Pods ?? []).Select(p => new PodUsage(
            new PodRef(p.Namespace, p.Name, p.Uid) { Labels = p.Labels ?? [] }, p.NodeName, FromMs(p.TimestampUnixMs), FromNs(p.WindowNs),
            (p.Containers ?? []).Select(c => new ContainerUsage(c.Name, new ResourceUsage(c.CpuNanoCores, c.MemoryBytes))).ToList())).ToList();
        return new LocalSamples(dto.NodeName, node, pods) { Thermal = ThermalStateNames.FromWire(dto.ThermalState) };
    }

    private LocalSamplesDto ToDto() => new()
    {
        NodeName = NodeName,
        ThermalState = Thermal == ThermalState.Unknown ? null : Thermal.ToWire(),
        Node = Node is { } n ? new NodeDto
        {
            Name = n.NodeName, Labels = new(n.Labels), TimestampUnixMs = n.Timestamp.ToUnixTimeMilliseconds(), WindowNs = n.Window.Ticks * 100,
            CpuNanoCores = n.Usage.CpuNanoCores, MemoryBytes = n.Usage.MemoryWorkingSetBytes,
        } : null,
        Pods = Pods.Select(p => new PodDto
        {
            Namespace = p.Pod.Namespace, Name = p.Pod.Name, Uid = p.Pod.Uid, Labels = new(p.Pod.Labels), NodeName = p.NodeName,
            TimestampUnixMs = p.Timestamp.ToUnixTimeMilliseconds(), WindowNs = p.Window.Ticks * 100,
            Containers = p.Containers.Select(c => new ContainerDto { Name = c.Name, CpuNanoCores = c.Usage.CpuNanoCores, MemoryBytes = c.Usage.MemoryWorkingSetBytes }).ToList(),
        }).ToList(),
    };

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static TimeSpan FromNs(long ns) => TimeSpan.FromTicks(ns / 100);
}

internal sealed class LocalSamplesDto
{
    public string NodeName { get; set; } = "";
    public string? ThermalState { get; set; }
    public NodeDto? Node { get; set; }
    public List<PodDto>? Pods { get; set; }
}

internal sealed class NodeDto
{
    public string Name { get; set; } = "";
    public Dictionary<string, string>? Labels { get; set; }
    public long TimestampUnixMs { get; set; }
    public long WindowNs { get; set; }
    public long CpuNanoCores { get; set; }
    public long MemoryBytes { get; set; }
}

internal sealed class PodDto
{
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
    public string Uid { get; set; } = "";
    public Dictionary<string, string>? Labels { get; set; }
    public string NodeName { get; set; } = "";
    public long TimestampUnixMs { get; set; }
    public long WindowNs { get; set; }
    public List<ContainerDto>? Containers { get; set; }
}

internal sealed class ContainerDto
{
    public string Name { get; set; } = "";
    public long CpuNanoCores { get; set; }
    public long MemoryBytes { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LocalSamplesDto))]
internal sealed partial class LocalSamplesJsonContext : JsonSerializerContext;
