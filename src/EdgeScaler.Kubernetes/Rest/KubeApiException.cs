namespace EdgeScaler.Kubernetes.Rest;

using System.Net;

/// <summary>
/// The API answered with an error status (a metav1.Status body, when it sent one). Reachability problems
/// (connection refused, timeouts, TLS) are <see cref="KubeUnreachableException"/> instead, because the
/// controller reacts to the two differently: an error is reported on the HPA, an outage pauses scaling.
/// </summary>
public sealed class KubeApiException(HttpStatusCode status, string reason, string message, string path)
    : Exception($"{(int)status} {reason}: {message} ({path})")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>metav1.Status reason (NotFound, Conflict, AlreadyExists, Forbidden...), or the HTTP reason phrase.</summary>
    public string Reason { get; } = reason;

    /// <summary>metav1.Status message as the API wrote it (what upstream puts into conditions and events).</summary>
    public string ApiMessage { get; } = message;

    public string Path { get; } = path;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
    public bool IsConflict => Status == HttpStatusCode.Conflict;
    public bool IsAlreadyExists => Status == HttpStatusCode.Conflict && Reason == "AlreadyExists";
}

/// <summary>The API server could not be reached (refused, reset, timed out, TLS failure) or answered 5xx/429.</summary>
public sealed class KubeUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
