namespace EdgeScaler.MetricsApi.Wire;

using System.Text.Json;

/// <summary>A metav1.Status error body, with the reason and message real clients (client-go, kubectl) expect.</summary>
public sealed record ApiError(int Code, string Reason, string Message, string? DetailsName = null, string? DetailsGroup = null, string? DetailsKind = null)
{
    public static ApiError NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiError NotFound(string group, string kindPlural, string name) =>
        new(404, "NotFound", group.Length == 0 ? $"{kindPlural} \"{name}\" not found" : $"{kindPlural}.{group} \"{name}\" not found", name, group.Length == 0 ? null : group, kindPlural);

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError WatchNotSupported(string resource) =>
        new(405, "MethodNotAllowed", $"watch is not supported on resources of kind \"{resource}.{MetricsApiVersions.Group}\"", null, MetricsApiVersions.Group, resource);

    public static ApiError MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static ApiError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiError Forbidden(string message) => new(403, "Forbidden", message);

    public static ApiError Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}");

    public static ApiError TooManyRequests() => new(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later");

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Status");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata"); w.WriteEndObject();
        w.WriteString("status", "Failure");
        w.WriteString("message", Message);
        w.WriteString("reason", Reason);
        w.WriteStartObject("details");
        if (DetailsName is not null) w.WriteString("name", DetailsName);
        if (DetailsGroup is not null) w.WriteString("group", DetailsGroup);
        if (DetailsKind is not null) w.WriteString("kind", DetailsKind);
        w.WriteEndObject();
        w.WriteNumber("code", Code);
        w.WriteEndObject();
    }
}
