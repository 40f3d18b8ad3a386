namespace EdgeScaler.Kubernetes;

using System.Text.Json.Serialization;
using EdgeScaler.Core.Configuration;

/// <summary>The `kubernetes` config section: how EdgeScaler reaches the API server.</summary>
public sealed class KubernetesOptions : IValidatedOptions
{
    /// <summary>
    /// Path of a kubeconfig file. Empty: the in-cluster service account when running in a pod, otherwise
    /// $KUBECONFIG, then /etc/rancher/k3s/k3s.yaml (k3s's own) and ~/.kube/config.
    /// </summary>
    public string Kubeconfig { get; set; } = "";

    /// <summary>kubeconfig context to use; empty = its current-context.</summary>
    public string Context { get; set; } = "";

    /// <summary>Namespaces whose HPAs EdgeScaler reconciles; empty = all namespaces.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Timeout of one API request (watches excepted).</summary>
    public string RequestTimeout { get; set; } = "30s";

    [JsonIgnore]
    public TimeSpan RequestTimeoutValue => Core.Units.GoDuration.Parse(RequestTimeout);

    public IEnumerable<OptionProblem> Validate()
    {
        if (!Core.Units.GoDuration.TryParse(RequestTimeout, out var timeout) || timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromMinutes(10))
            yield return new("requestTimeout", $"\"{RequestTimeout}\"", "a duration from 1s to 10m");
        for (var i = 0; i < Namespaces.Count; i++)
            if (!IsDnsLabel(Namespaces[i]))
                yield return new($"namespaces[{i}]", $"\"{Namespaces[i]}\"", "a namespace name (lowercase letters, digits and '-', at most 63)");
    }

    internal static bool IsDnsLabel(string s) =>
        s.Length is > 0 and <= 63 && char.IsAsciiLetterLower(s[0]) | char.IsAsciiDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1])
        && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
