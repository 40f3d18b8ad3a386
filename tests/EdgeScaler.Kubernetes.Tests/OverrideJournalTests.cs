namespace EdgeScaler.Kubernetes.Tests;

using EdgeScaler.Kubernetes.Overrides;
using EdgeScaler.TestKit;

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
}
