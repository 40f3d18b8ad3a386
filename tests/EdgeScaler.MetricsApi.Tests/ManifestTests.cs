namespace EdgeScaler.MetricsApi.Tests;

using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using EdgeScaler.TestKit;

/// <summary>
/// Every manifest in deploy/k3s parses as the Kubernetes object its kind names (YAML parsed by YamlDotNet, then
/// KubernetesClient's typed models), and carries what the aggregator and the other areas need.
/// </summary>
public partial class ManifestTests
{
    private static readonly string Dir = RepoPaths.Of("deploy/k3s");

    [GeneratedRegex(@"^kind:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex KindLine();

    private static string Read(string file) => File.ReadAllText(Path.Combine(Dir, file));

    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(Dir, "*.yaml").Where(f => Path.GetFileName(f) != "k3s-config.yaml") // the k3s server's own config file, not an API object
            .Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Files))]
    public void EachFileIsOneValidObject(string file)
    {
        var text = Read(file);
        Assert.DoesNotContain("\n---", text); // one object per file
        var kind = KindLine().Match(text).Groups[1].Value;
        IMetadata<V1ObjectMeta> obj = kind switch
        {
            "APIService" => YamlToJson.Deserialize<V1APIService>(text),
            "Service" => YamlToJson.Deserialize<V1Service>(text),
            "ServiceAccount" => YamlToJson.Deserialize<V1ServiceAccount>(text),
            "ClusterRole" => YamlToJson.Deserialize<V1ClusterRole>(text),
            "ClusterRoleBinding" => YamlToJson.Deserialize<V1ClusterRoleBinding>(text),
            "Role" => YamlToJson.Deserialize<V1Role>(text),
            "RoleBinding" => YamlToJson.Deserialize<V1RoleBinding>(text),
            "DaemonSet" => YamlToJson.Deserialize<V1DaemonSet>(text),
            "ConfigMap" => YamlToJson.Deserialize<V1ConfigMap>(text),
            "Secret" => YamlToJson.Deserialize<V1Secret>(text),
            "Kustomization" => new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kustomization" } }, // kustomize's own file, not an API object
            _ => throw new Xunit.Sdk.XunitException($"{file}: unexpected kind '{kind}'"),
        };
        Assert.False(string.IsNullOrEmpty(obj.Metadata?.Name), $"{file}: metadata.name is missing");
        if (kind != "Kustomization")
        {
            var typed = (IKubernetesObject)obj;
            Assert.Equal(kind, typed.Kind);
            Assert.False(string.IsNullOrEmpty(typed.ApiVersion));
        }
    }

    [Theory]
    [InlineData("apiservice-v1beta1.yaml", "v1beta1")]
    [InlineData("apiservice-v1.yaml", "v1")]
    public void ApiServicesPointAtTheServiceWithACaBundle(string file, string version)
    {
        var api = YamlToJson.Deserialize<V1APIService>(Read(file));
        Assert.Equal($"{version}.metrics.k8s.io", api.Metadata.Name); // must be <version>.<group>
        Assert.Equal("metrics.k8s.io", api.Spec.Group);
        Assert.Equal(version, api.Spec.Version);
        Assert.NotEqual(true, api.Spec.InsecureSkipTLSVerify); // mutually exclusive with caBundle
        using var ca = X509CertificateLoader.LoadCertificate(api.Spec.CaBundle); // a real PEM certificate
        Assert.NotNull(ca);
        var service = YamlToJson.Deserialize<V1Service>(Read("service.yaml"));
        Assert.Equal(service.Metadata.Name, api.Spec.Service.Name);
        Assert.Equal(service.Metadata.NamespaceProperty, api.Spec.Service.NamespaceProperty);
        Assert.Contains(service.Spec.Ports, p => p.Port == (api.Spec.Service.Port ?? 443));
        Assert.Equal(4443, int.Parse(service.Spec.Ports[0].TargetPort.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void V1IsPreferredOverV1Beta1() =>
        Assert.True(YamlToJson.Deserialize<V1APIService>(Read("apiservice-v1.yaml")).Spec.VersionPriority >
                    YamlToJson.Deserialize<V1APIService>(Read("apiservice-v1beta1.yaml")).Spec.VersionPriority);

    [Theory]
    [InlineData("", "pods", "list")]
    [InlineData("", "pods", "watch")]
    [InlineData("", "nodes", "get")]
    [InlineData("autoscaling", "horizontalpodautoscalers", "watch")]
    [InlineData("autoscaling", "horizontalpodautoscalers/status", "update")]
    [InlineData("apps", "deployments/scale", "patch")]
    [InlineData("apps", "statefulsets/scale", "update")]
    [InlineData("apps", "replicasets/scale", "get")]
    [InlineData("", "events", "create")]
    [InlineData("events.k8s.io", "events", "patch")]
    [InlineData("metrics.k8s.io", "pods", "list")]
    public void AgentClusterRoleGrants(string group, string resource, string verb)
    {
        var role = YamlToJson.Deserialize<V1ClusterRole>(Read("clusterrole.yaml"));
        Assert.Contains(role.Rules, r => r.ApiGroups.Contains(group) && r.Resources.Contains(resource) && r.Verbs.Contains(verb));
    }

    [Fact]
    public void LeasesAuthReaderAndAuthDelegatorAreBoundToTheServiceAccount()
    {
        var leases = YamlToJson.Deserialize<V1Role>(Read("role-leases.yaml"));
        Assert.Equal(["get", "create", "update"], leases.Rules.Single(r => r.Resources.Contains("leases")).Verbs);
        var reader = YamlToJson.Deserialize<V1RoleBinding>(Read("rolebinding-auth-reader.yaml"));
        Assert.Equal(("kube-system", "extension-apiserver-authentication-reader"), (reader.Metadata.NamespaceProperty, reader.RoleRef.Name));
        var delegator = YamlToJson.Deserialize<V1ClusterRoleBinding>(Read("clusterrolebinding-auth-delegator.yaml"));
        Assert.Equal("system:auth-delegator", delegator.RoleRef.Name);
        var sa = YamlToJson.Deserialize<V1ServiceAccount>(Read("serviceaccount.yaml"));
        foreach (var subjects in new[] { reader.Subjects, delegator.Subjects, YamlToJson.Deserialize<V1RoleBinding>(Read("rolebinding-leases.yaml")).Subjects })
            Assert.Contains(subjects, s => s.Kind == "ServiceAccount" && s.Name == sa.Metadata.Name && s.NamespaceProperty == sa.Metadata.NamespaceProperty);
    }

    [Fact]
    public void K3sConfigDisablesMetricsServerAndTheHpaController()
    {
        var text = File.ReadAllText(Path.Combine(Dir, "k3s", "config.yaml"));
        Assert.Matches(@"(?m)^disable:\s*\n\s*-\s*metrics-server", text);
        Assert.Contains("controllers=*,-horizontalpodautoscaling", text);
    }
}
