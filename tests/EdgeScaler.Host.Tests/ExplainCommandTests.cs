namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Cli;
using static EdgeScaler.Host.Tests.InProcessCli;

/// <summary>`edgescaler explain` end to end on the bundles under tests/explain (kubectl JSON shapes).</summary>
public class ExplainCommandTests
{
    private static string BundleDir([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "explain"));

    public static TheoryData<string> Bundles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(BundleDir(), "*.json").Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal)).Order())
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public async Task Bundle_output_matches_the_reviewed_expectation(string name)
    {
        var input = Path.Combine(BundleDir(), name + ".json");
        var (code, json, err) = await Run("explain", "--input", input, "--json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Equal(File.ReadAllText(Path.Combine(BundleDir(), name + ".expected.json")), json);
        var (textCode, text, _) = await Run("explain", "--input", input);
        Assert.Equal(0, textCode);
        Assert.Equal(File.ReadAllText(Path.Combine(BundleDir(), name + ".expected.txt")), text);
    }

    [Fact]
    public async Task Thermal_hold_bundle_says_what_the_hpa_wanted_and_what_was_allowed()
    {
        var (_, json, _) = await Run("explain", "--input", Path.Combine(BundleDir(), "web-thermal-hold.json"), "--json");
        Assert.Contains("\"recommendedReplicas\": 5", json);
        Assert.Contains("\"desiredReplicas\": 3", json);
        Assert.Contains("\"state\": \"hot\"", json);
        Assert.Contains("\"cap\": 3", json);
    }

    [Fact]
    public async Task Bad_input_exits_2_naming_the_json_path()
    {
        var dir = Directory.CreateTempSubdirectory("explain-test");
        try
        {
            var bad = Path.Combine(dir.FullName, "bad.json");
            var good = File.ReadAllText(Path.Combine(BundleDir(), "web-scale-up.json"));
            File.WriteAllText(bad, good.Replace("\"maxReplicas\": 10", "\"maxReplicas\": 0"));
            var (code, _, err) = await Run("explain", "--input", bad);
            Assert.Equal(2, code);
            Assert.Contains("hpa.spec.maxReplicas", err);

            File.WriteAllText(bad, good.Replace("\"231412087n\"", "\"lots\""));
            (code, _, err) = await Run("explain", "--input", bad);
            Assert.Equal(2, code);
            Assert.Contains("podMetrics.items[0].containers[0].usage.cpu", err);

            File.WriteAllText(bad, "{\"hpa\": ");
            (code, _, err) = await Run("explain", "--input", bad);
            Assert.Equal(2, code);
            Assert.Contains("not valid JSON", err);

            (code, _, err) = await Run("explain", "--input", Path.Combine(dir.FullName, "missing.json"));
            Assert.Equal(2, code);
            Assert.Contains("cannot read", err);

            (code, _, err) = await Run("explain");
            Assert.Equal(2, code);
            Assert.Contains("--input is required", err);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public async Task Override_comes_from_the_hpa_annotations_unless_the_bundle_says_otherwise()
    {
        var dir = Directory.CreateTempSubdirectory("explain-test");
        try
        {
            // captured-override: `edgescaler override shop/web --replicas 2` wrote the annotations; the HPA alone says 4.
            var captured = File.ReadAllText(Path.Combine(BundleDir(), "captured-override.json"));
            var (_, json, _) = await Run("explain", "--input", Path.Combine(BundleDir(), "captured-override.json"), "--json");
            Assert.Contains("\"desiredReplicas\": 2", json);
            Assert.Contains("\"source\": \"cli\"", json);

            var path = Path.Combine(dir.FullName, "no-override.json");
            File.WriteAllText(path, captured.Replace("\"now\":", "\"override\": null, \"now\":"));
            (_, json, _) = await Run("explain", "--input", path, "--json");
            Assert.Contains("\"desiredReplicas\": 4", json);
            Assert.Contains("\"override\": null", json);

            // A bad annotation is ignored, as the controller ignores it, and the text says so.
            File.WriteAllText(path, captured.Replace("\"edgescaler.io/override-replicas\": \"2\"", "\"edgescaler.io/override-replicas\": \"lots\""));
            var (code, text, _) = await Run("explain", "--input", path);
            Assert.Equal(0, code);
            Assert.Contains("override: none", text);
            Assert.Contains("warning: override annotations ignored: annotation edgescaler.io/override-replicas", text);
            Assert.Contains("desired: 4", text);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public async Task History_configmap_entry_of_another_hpa_uid_is_not_this_hpas_history_and_a_bad_entry_names_its_path()
    {
        var dir = Directory.CreateTempSubdirectory("explain-test");
        try
        {
            var captured = File.ReadAllText(Path.Combine(BundleDir(), "captured-scale-down-window.json"));
            var (_, json, _) = await Run("explain", "--input", Path.Combine(BundleDir(), "captured-scale-down-window.json"), "--json");
            var remembered = System.Text.Json.Nodes.JsonNode.Parse(json)!["historyAfter"]!["recommendations"]!.AsArray().Count;
            Assert.True(remembered > 5, json); // the agent's window, plus this decision

            // The same entry written for a deleted HPA of the same name: the controller would start afresh, so does explain.
            var path = Path.Combine(dir.FullName, "recreated.json");
            File.WriteAllText(path, captured.Replace("uid=0b6a1c55-", "uid=ffffffff-"));
            (_, json, _) = await Run("explain", "--input", path, "--json");
            Assert.Equal(2, System.Text.Json.Nodes.JsonNode.Parse(json)!["historyAfter"]!["recommendations"]!.AsArray().Count); // seed + this one

            File.WriteAllText(path, captured.Replace(";r=3@", ";r=x@"));
            var (code, _, err) = await Run("explain", "--input", path);
            Assert.Equal(2, code);
            Assert.Contains("historyConfigMap.data.shop_web", err);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public async Task A_rescale_only_the_legacy_window_causes_has_upstreams_empty_reason_and_says_why()
    {
        var dir = Directory.CreateTempSubdirectory("explain-test");
        try
        {
            // web-scale-up with a 90 % target: at target (3 wants 3), but 8 was recommended two minutes ago.
            var path = Path.Combine(dir.FullName, "window-raises.json");
            File.WriteAllText(path, File.ReadAllText(Path.Combine(BundleDir(), "web-scale-up.json"))
                .Replace("\"averageUtilization\": 60", "\"averageUtilization\": 90")
                .Replace("\"now\": \"2026-01-01T12:00:00Z\",", "\"now\": \"2026-01-01T12:00:00Z\", \"history\": {\"recommendations\": [{\"replicas\": 8, \"timestamp\": \"2026-01-01T11:58:00Z\"}]},"));
            var (code, text, _) = await Run("explain", "--input", path);
            Assert.Equal(0, code);
            Assert.Contains("recommended: 3 (highest metric proposal)", text);
            Assert.Contains("limits: 6 (ScaleUpLimit:", text); // the window's 8, limited to max(2×3, 4)
            Assert.EndsWith("desired: 6 — would scale 3 → 6 (no reason, as upstream: only the stabilization window moved the count)\n", text);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public async Task Missing_pod_metrics_is_a_failed_metric_not_a_crash()
    {
        var dir = Directory.CreateTempSubdirectory("explain-test");
        try
        {
            var path = Path.Combine(dir.FullName, "no-metrics.json");
            var good = File.ReadAllText(Path.Combine(BundleDir(), "web-scale-up.json"));
            File.WriteAllText(path, good.Replace("\"podMetrics\"", "\"podMetricsNotCaptured\""));
            var (code, json, _) = await Run("explain", "--input", path, "--json");
            Assert.Equal(0, code);
            Assert.Contains("\"recommendedReplicas\": null", json);
            Assert.Contains("\"desiredReplicas\": 3", json);
            Assert.Contains("FailedGetResourceMetric", json);
        }
        finally { dir.Delete(true); }
    }
}
