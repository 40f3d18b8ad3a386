namespace EdgeScaler.Kubernetes.Mapping;

/// <summary>A Kubernetes object that cannot be turned into algorithm input; <see cref="Path"/> names the field at fault (e.g. "spec.metrics[1].type").</summary>
public sealed class MappingException(string path, string message) : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
    public string Detail { get; } = message;
}
