namespace EdgeScaler.Kubernetes.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Kubernetes.Overrides;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.TestKit;
using Microsoft.Extensions.Time.Testing;

public sealed class OverrideJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgescaler-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PendingAnnotations Entry(string name, int replicas, DateTimeOffset at) =>
        new("default", name, new Dictionary<string, string?> { ["edgescaler.io/override-replicas"] = replicas.ToString(), ["edgescaler.io/override-until"] = null }, at, "panel");

    [Fact]
    public void Journal_SurvivesRestart_AndCompletesEntries()
    {
        var path = Path.Combine(_dir, "state", "overrides.json");
        var logs = new CapturingLoggerFactory();
        var t = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var journal = new OverrideJournal(path, logs.CreateLogger<OverrideJournal>());
        journal.Add(Entry("web", 3, t));
        journal.Add(Entry("db", 1, t.AddSeconds(1)));
        Assert.False(File.Exists(path + ".tmp"));

        var reopened = new OverrideJournal(path, logs.CreateLogger<OverrideJournal>());
        Assert.Equal(["web", "db"], reopened.Pending().Select(p => p.Name));
        Assert.Equal("3", reopened.Pending()[0].Annotations["edgescaler.io/override-replicas"]);
        Assert.Null(reopened.Pending()[0].Annotations["edgescaler.io/override-until"]);

        reopened.Complete(reopened.Pending()[0]);
        Assert.Equal(["db"], new OverrideJournal(path, logs.CreateLogger<OverrideJournal>()).Pending().Select(p => p.Name));
    }

    [Fact]
    public void Journal_NewestRequestWins()
    {
        var path = Path.Combine(_dir, "overrides.json");
        var journal = new OverrideJournal(path, new CapturingLoggerFactory().CreateLogger<OverrideJournal>());
        var t = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        journal.Add(Entry("web", 5, t.AddSeconds(10)));
        journal.Add(Entry("web", 2, t)); // older request arriving late (an MQTT retry) loses
        Assert.Equal("5", Assert.Single(journal.Pending()).Annotations["edgescaler.io/override-replicas"]);
        journal.Add(Entry("web", 4, t.AddSeconds(20)));
        Assert.Equal("4", Assert.Single(journal.Pending()).Annotations["edgescaler.io/override-replicas"]);
    }

    [Theory]
    [InlineData("{\"version\":1,\"pending\":[{\"namespace\":\"default\",\"na")]   // truncated mid-write
    [InlineData("\u0000\u0000\u0000garbage")]                                      // garbage
    [InlineData("{\"version\":7,\"pending\":[]}")]                                  // a future format
    [InlineData("{\"version\":1,\"pending\":[{\"namespace\":\"\",\"name\":\"x\",\"annotations\":{},\"requestedAt\":\"2026-01-01T00:00:00Z\",\"source\":\"cli\"}]}")]
    public void Journal_BadFile_IsRejectedWithOneClearLine_AndKeptAside(string content)
    {
        var path = Path.Combine(_dir, "overrides.json");
        File.WriteAllText(path, content);
        var logs = new CapturingLoggerFactory();
        var journal = new OverrideJournal(path, logs.CreateLogger<OverrideJournal>());

        Assert.Empty(journal.Pending());
        var line = Assert.Single(logs.LinesContaining("rejected"));
        Assert.Contains("the HPAs' own override annotations win", line.Message);
        var aside = Assert.Single(Directory.GetFiles(_dir, "overrides.json.corrupt-*"));
        Assert.Equal(content, File.ReadAllText(aside)); // nothing lost
        Assert.False(File.Exists(path));

        journal.Add(Entry("web", 2, DateTimeOffset.UtcNow)); // and the journal works again
        Assert.Single(new OverrideJournal(path, logs.CreateLogger<OverrideJournal>()).Pending());
    }

    private static readonly DateTimeOffset T = DateTimeOffset.Parse("2026-01-01T12:00:00Z");

    public static TheoryData<ActiveOverride?> Overrides() =>
    [
        new ActiveOverride(3, null, OverrideSource.Panel, T),
        new ActiveOverride(7, T.AddMinutes(30), OverrideSource.Mqtt, T, Force: true, By: "ha-dashboard"),
        new ActiveOverride(0, T.AddDays(1), OverrideSource.Cli, T, Force: true),
        null, // a release
    ];

    [Theory]
    [MemberData(nameof(Overrides))]
    public void Journal_RoundTrip_StoresWhatOverrideAnnotationsFormatWrites_AndReadsTheSameOverrideBack(ActiveOverride? active)
    {
        var path = Path.Combine(_dir, "overrides.json");
        var logs = new CapturingLoggerFactory();
        new OverrideJournal(path, logs.CreateLogger<OverrideJournal>()).Add(PendingAnnotations.For(new HpaRef("shop", "web"), active, T, OverrideSource.Panel));

        var entry = Assert.Single(new OverrideJournal(path, logs.CreateLogger<OverrideJournal>()).Pending());
        Assert.Equal(OverrideAnnotations.Format(active), entry.Annotations);
        Assert.True(entry.TryReadOverride(out var back, out var error), error);
        Assert.Equal(active, back);
        Assert.Empty(logs.LinesContaining("rejected"));
    }

    [Theory]
    [InlineData("{\"kubernetes.io/change-cause\":\"pwned\",\"edgescaler.io/override-replicas\":\"3\"}", "is not an override annotation")]
    [InlineData("{\"edgescaler.io/override-replicas\":\"three\"}", "is not a whole number")]
    [InlineData("{\"edgescaler.io/override-replicas\":\"3\",\"edgescaler.io/override-until\":\"tomorrow\"}", "is not an RFC 3339 time")]
    [InlineData("{\"edgescaler.io/override-source\":\"cli\"}", "override-replicas is missing")]
    public void Journal_EntryThatDoesNotReadBackAsAnOverride_IsRejected(string annotations, string why)
    {
        var path = Path.Combine(_dir, "overrides.json");
        File.WriteAllText(path, $$"""{"version":1,"pending":[{"namespace":"default","name":"web","annotations":{{annotations}},"requestedAt":"2026-01-01T00:00:00Z","source":"cli"}]}""");
        var logs = new CapturingLoggerFactory();
        Assert.Empty(new OverrideJournal(path, logs.CreateLogger<OverrideJournal>()).Pending());
        var line = Assert.Single(logs.LinesContaining("rejected"));
        Assert.Contains(why, line.Message);
        Assert.Contains("default/web", line.Message);
    }

    [Fact]
    public async Task StandIn_Flush_WritesTheJournaledOverrideThroughFormat_AndTouchesNoOtherAnnotation()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "shop", ["annotations"] = new JsonObject { ["team"] = "edge" } },
            ["spec"] = new JsonObject { ["maxReplicas"] = 10, ["scaleTargetRef"] = new JsonObject { ["kind"] = "Deployment", ["name"] = "web" } },
        });
        var logs = new CapturingLoggerFactory();
        var journal = new OverrideJournal(Path.Combine(_dir, "overrides.json"), logs.CreateLogger<OverrideJournal>());
        var active = new ActiveOverride(7, T.AddMinutes(30), OverrideSource.Mqtt, T, Force: true, By: "ha-dashboard");
        journal.Add(PendingAnnotations.For(new HpaRef("shop", "web"), active, T, OverrideSource.Mqtt));
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var sink = new JournaledOverrideSink(rest, journal, new FakeTimeProvider(T), logs.CreateLogger<JournaledOverrideSink>());

        Assert.Equal(1, await sink.FlushAsync(default));

        var annotations = api.Get<k8s.Models.V2HorizontalPodAutoscaler>("autoscaling/v2", "horizontalpodautoscalers", "shop", "web")!.Metadata.Annotations;
        Assert.Equal("edge", annotations["team"]);
        Assert.Equal(active, OverrideAnnotations.Parse(new Dictionary<string, string>(annotations), out var error));
        Assert.Null(error);
        var written = OverrideAnnotations.Format(active).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
        Assert.Equal(written.OrderBy(kv => kv.Key), annotations.Where(kv => kv.Key != "team").OrderBy(kv => kv.Key));
        Assert.Empty(journal.Pending());
    }
}
