namespace EdgeScaler.Kubernetes.Rest;

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

/// <summary>
/// JSON for the Kubernetes models EdgeScaler reads and writes, with KubernetesJson's settings and converters.
/// Why not KubernetesJson itself: it resolves through a context that lists every model of the API (~850), and a
/// source-generated context's type lookup keeps all of them, so one call to it puts ~9 MB of serializer code
/// into the native binary. This context lists only our models (and what they reference).
/// </summary>
public static class KubeJson
{
    /// <summary>The metadata for <typeparamref name="T"/>; a model missing from <see cref="KubeModelsJsonContext"/> is a programming error.</summary>
    public static JsonTypeInfo<T> Info<T>() =>
        KubeModelsJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not listed in {nameof(KubeModelsJsonContext)}: add [JsonSerializable(typeof({typeof(T).Name}))]");

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Info<T>());

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize(json, Info<T>())!;

    public static T Deserialize<T>(Stream json) => JsonSerializer.Deserialize(json, Info<T>())!;

    public static T Deserialize<T>(JsonElement json) => json.Deserialize(Info<T>())!;

    /// <summary>A deep copy through JSON (the models are mutable classes without a copy constructor).</summary>
    public static T Clone<T>(T value) => Deserialize<T>(Serialize(value));
}

/// <summary>Every Kubernetes model EdgeScaler (de)serializes. Add a type here before passing it to <see cref="KubeRest"/>.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
[JsonSerializable(typeof(V2HorizontalPodAutoscaler))]
[JsonSerializable(typeof(V2HorizontalPodAutoscalerList))]
[JsonSerializable(typeof(V1Pod))]
[JsonSerializable(typeof(V1Scale))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(Corev1Event))]
[JsonSerializable(typeof(Corev1EventList))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(V1TokenReview))]
[JsonSerializable(typeof(V1SubjectAccessReview))]
[JsonSerializable(typeof(V1SelfSubjectAccessReview))]
public sealed partial class KubeModelsJsonContext : JsonSerializerContext;
