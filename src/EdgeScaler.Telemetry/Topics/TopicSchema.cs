namespace EdgeScaler.Telemetry;

using EdgeScaler.Core.Scaling;

/// <summary>Every topic EdgeScaler publishes or listens on, built from one prefix (documented in docs/mqtt.md).</summary>
public sealed class TopicSchema
{
    public TopicSchema(string prefix, string node)
    {
        Prefix = prefix.TrimEnd('/');
        Node = node;
    }

    public string Prefix { get; }

    public string Node { get; }

    public string Availability => $"{Prefix}/{Node}/availability";

    public string NodeState => $"{Prefix}/{Node}/state";

    public string Events => $"{Prefix}/events";

    public string ScalerState(HpaRef hpa) => $"{Prefix}/scaler/{hpa.Namespace}/{hpa.Name}/state";

    public string ScalerSet(HpaRef hpa) => $"{Prefix}/scaler/{hpa.Namespace}/{hpa.Name}/set";

    /// <summary>The subscription filter that catches every HPA's command topic.</summary>
    public string CommandFilter => $"{Prefix}/scaler/+/+/set";

    /// <summary>Parses `&lt;prefix&gt;/scaler/&lt;ns&gt;/&lt;hpa&gt;/set` back into the HPA; false for anything else.</summary>
    public bool TryParseCommandTopic(string topic, out HpaRef hpa)
    {
        hpa = default;
        var head = Prefix + "/scaler/";
        if (!topic.StartsWith(head, StringComparison.Ordinal) || !topic.EndsWith("/set", StringComparison.Ordinal)) return false;
        var middle = topic.AsSpan(head.Length, topic.Length - head.Length - "/set".Length);
        var slash = middle.IndexOf('/');
        if (slash <= 0 || slash == middle.Length - 1 || middle[(slash + 1)..].IndexOf('/') >= 0) return false;
        hpa = new HpaRef(middle[..slash].ToString(), middle[(slash + 1)..].ToString());
        return true;
    }

    /// <summary>One topic level: non-empty, no separators or wildcards, no NUL.</summary>
    public static bool IsValidLevel(string? level) =>
        !string.IsNullOrEmpty(level) && level.IndexOfAny(['/', '+', '#', '\0']) < 0;

    /// <summary>A publish prefix: non-empty levels, no wildcards, no leading or trailing slash.</summary>
    public static bool IsValidPrefix(string? prefix) =>
        !string.IsNullOrEmpty(prefix) && !prefix.StartsWith('/') && !prefix.EndsWith('/') && prefix.Split('/').All(IsValidLevel);
}
