namespace EdgeScaler.Kubernetes.Mapping;

using EdgeScaler.Core.Hpa;
using k8s.Models;

/// <summary>autoscaling/v1 Scale → <see cref="ScaleInfo"/>.</summary>
public static class ScaleMapper
{
    public static ScaleInfo ToCore(V1Scale scale)
    {
        var spec = scale.Spec?.Replicas ?? 0;
        if (spec < 0) throw new MappingException("scale.spec.replicas", $"must not be negative (got {spec})");
        return new ScaleInfo(spec, scale.Status?.Replicas ?? 0, scale.Status?.Selector);
    }
}
