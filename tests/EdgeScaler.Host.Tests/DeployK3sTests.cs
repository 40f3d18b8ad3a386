namespace EdgeScaler.Host.Tests;

using System.Diagnostics;
using EdgeScaler.TestKit;

/// <summary>deploy/k3s rendered by the real `kubectl kustomize` (offline), then checked for the promised shape.</summary>
public class DeployK3sTests
{
    private static string Kustomize()
    {
        var start = new ProcessStartInfo("kubectl") { ArgumentList = { "kustomize", RepoPaths.Of("deploy/k3s") }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "kubectl kustomize failed: " + error);
        return output.Result;
    }

    private static string Document(string all, string name, string kind = "DaemonSet") =>
        all.Split("\n---\n").Single(d => d.Contains($"\n  name: {name}\n") && d.Contains($"\nkind: {kind}\n"));

    [Fact]
    public void Deploy_k3s_kustomization_renders_both_daemonsets_and_the_config()
    {
        var all = Kustomize();
        Assert.Contains("kind: ConfigMap", all);
        Assert.Equal(2, all.Split("kind: DaemonSet").Length - 1);
        Assert.All(all.Split("\n---\n").Where(d => d.Contains("kind: DaemonSet")), d => Assert.Contains("namespace: kube-system", d));
    }

    [Fact]
    public void Deploy_k3s_kustomization_lists_every_manifest_but_the_v1_apiservice()
    {
        var text = File.ReadAllText(RepoPaths.Of("deploy/k3s/kustomization.yaml"));
        var listed = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal) && l.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(l => l[2..]).ToHashSet();
        var manifests = Directory.GetFiles(RepoPaths.Of("deploy/k3s"), "*.yaml").Select(Path.GetFileName)
            .Where(f => f is not ("kustomization.yaml" or "k3s-config.yaml" or "apiservice-v1.yaml")).ToHashSet();
        Assert.Equal(manifests.Order(), listed.Order());
        var all = Kustomize();
        Assert.Contains("kind: APIService", all);
        Assert.Contains("resourceNames:\n  - edgescaler-hpa-history", all); // the scaling history ConfigMap the controller keeps
    }

    [Fact]
    public void Deploy_k3s_plain_daemonset_mounts_sys_and_proc_read_only_and_is_not_privileged()
    {
        var ds = Document(Kustomize(), "edgescaler");
        Assert.Contains("mountPath: /host/sys\n          mountPropagation: HostToContainer\n          name: host-sys\n          readOnly: true", ds);
        Assert.Contains("mountPath: /host/proc\n          name: host-proc\n          readOnly: true", ds);
        Assert.Contains("privileged: false", ds);
        Assert.Contains("allowPrivilegeEscalation: false", ds);
        Assert.DoesNotContain("/dev", ds);
        Assert.Contains("operator: NotIn", ds); // stays off panel nodes
    }

    [Fact]
    public void Deploy_k3s_panel_daemonset_is_the_only_privileged_one_and_only_on_panel_nodes()
    {
        var ds = Document(Kustomize(), "edgescaler-panel");
        Assert.Contains("privileged: true", ds);
        Assert.Contains("edgescaler.io/panel: \"true\"", ds);
        Assert.Contains("EDGESCALER__PANEL__ENABLED", ds);
    }

    [Fact]
    public void Deploy_k3s_server_config_disables_metrics_server_and_the_builtin_hpa_controller()
    {
        var text = File.ReadAllText(RepoPaths.Of("deploy/k3s/k3s-config.yaml"));
        Assert.Contains("disable:\n  - metrics-server", text);
        Assert.Contains("controllers=*,-horizontalpodautoscaling", text);
    }
}
