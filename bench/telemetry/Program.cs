// Telemetry benchmark: what one interval costs on the wire, and how fast one agent publishes to a local mosquitto.
using System.Diagnostics;
using System.Text;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Telemetry;
using EdgeScaler.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

const int Pods = 110, Hpas = 20;
var now = DateTimeOffset.UtcNow;
// Bench numbers want a quiet broker: errors and warnings only in its log file.
await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { MaxQueuedMessages = 1_000_000, LogTypes = ["error", "warning"] });
Console.WriteLine($"mosquitto on 127.0.0.1:{broker.Port}; node with {Pods} pods and {Hpas} HPAs");

var thermal = new NodeThermal("pi-1", now, [new("cpu-thermal", 61.2), new("gpu-thermal", 58.2)], 61.2, ThrottleFlags.FromBits(0x50000), 1_500_000, 1_800_000, ThermalState.Warm);
var usage = new NodeUsage("pi-1", now, TimeSpan.FromSeconds(15), new ResourceUsage(2_830_000_000, 2_234_567_890));
var decisions = Enumerable.Range(0, Hpas).Select(i => new ScaleDecision(new HpaRef("apps", $"service-{i:00}"), now, 3, 4, 3, ScaleMode.ThermalHold, "node pi-1 is hot: scale-up held at 3")).ToArray();

// 1. Compact layout (what EdgeScaler sends): one node state + one state per HPA, QoS 1 retained.
long compactUp, compactDown;
await using (var proxy = new TcpRelay(broker.Port))
{
    var dir = Directory.CreateTempSubdirectory("es-bench-").FullName;
    var options = new TelemetryOptions { BrokerUri = $"mqtt://127.0.0.1:{proxy.Port}", Cluster = "home", JournalPath = dir };
    await using var agent = new MqttTelemetry(options, "pi-1");
    await agent.StartAsync();
    agent.PublishNodeState(thermal, usage, Pods);
    foreach (var d in decisions) agent.PublishDecision(d);
    await WaitFor(() => agent.Stats.StatesPublished >= 1 + Hpas);
    await Task.Delay(300);
    proxy.ResetCounts();
    // One steady-state interval: every topic once more, nothing else.
    var before = agent.Stats.StatesPublished;
    agent.PublishNodeState(thermal, usage, Pods);
    foreach (var d in decisions) agent.PublishDecision(d);
    await WaitFor(() => agent.Stats.StatesPublished >= before + 1 + Hpas);
    await Task.Delay(300);
    (compactUp, compactDown) = (proxy.BytesUp, proxy.BytesDown);
    Directory.Delete(dir, true);
}

// 2. Naive layout: one message per pod plus one per node metric and per HPA field, QoS 1 retained.
long naiveUp, naiveDown;
int naiveMessages;
await using (var proxy = new TcpRelay(broker.Port))
{
    using var client = new MqttClientFactory().CreateMqttClient();
    await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", proxy.Port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("naive").Build());
    var messages = new List<(string Topic, string Payload)>();
    for (var p = 0; p < Pods; p++)
        messages.Add(($"edgescaler/home/pi-1/pods/apps/service-{p % Hpas:00}-7d9f8b6c5d-{p:x5}",
            $"{{\"ts\":\"{now:O}\",\"namespace\":\"apps\",\"pod\":\"service-{p % Hpas:00}-7d9f8b6c5d-{p:x5}\",\"node\":\"pi-1\",\"cpu_m\":{25 + p},\"mem_bytes\":{20_000_000 + p * 1000}}}"));
    foreach (var (k, v) in new[] { ("temp_c", "61.2"), ("thermal", "warm"), ("throttled", "false"), ("cpu_m", "2830"), ("mem_bytes", "2234567890"), ("pods", "110") })
        messages.Add(($"edgescaler/home/pi-1/{k}", v));
    foreach (var d in decisions)
        foreach (var (k, v) in new[] { ("current", "3"), ("recommended", "4"), ("desired", "3"), ("mode", "thermal-hold"), ("reason", d.Reason) })
            messages.Add(($"edgescaler/home/scaler/{d.Hpa.Namespace}/{d.Hpa.Name}/{k}", v));
    naiveMessages = messages.Count;
    await Task.Delay(300);
    proxy.ResetCounts();
    await Task.WhenAll(messages.Select(m => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(m.Topic).WithPayload(m.Payload)
        .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())));
    await Task.Delay(300);
    (naiveUp, naiveDown) = (proxy.BytesUp, proxy.BytesDown);
    await client.DisconnectAsync();
}

Console.WriteLine();
Console.WriteLine("Bytes on the wire for one interval (TCP payload, agent->broker / broker->agent incl. PUBACKs):");
Console.WriteLine($"  compact JSON (EdgeScaler): {1 + Hpas,4} messages  {compactUp,7:N0} B up  {compactDown,6:N0} B down  = {compactUp + compactDown,7:N0} B");
Console.WriteLine($"  naive one-message-per-pod: {naiveMessages,4} messages  {naiveUp,7:N0} B up  {naiveDown,6:N0} B down  = {naiveUp + naiveDown,7:N0} B");
Console.WriteLine($"  ratio naive/compact: {(double)(naiveUp + naiveDown) / (compactUp + compactDown):F1}x; compact per day at 15 s: {(compactUp + compactDown) * 5760 / 1e6:F1} MB");

// 3. Sustained rates: state messages (distinct retained topics, QoS 1, pipelined) and events (journaled + fsync, in order).
{
    var dir = Directory.CreateTempSubdirectory("es-bench-").FullName;
    var options = new TelemetryOptions { BrokerUri = $"mqtt://127.0.0.1:{broker.Port}", Cluster = "home", JournalPath = dir, JournalMaxEvents = 100_000 };
    await using var agent = new MqttTelemetry(options, "pi-1");
    await agent.StartAsync();
    await WaitFor(() => agent.Stats.Connected);

    const int StateRounds = 50, StateTopics = 400;
    var sw = Stopwatch.StartNew();
    for (var r = 0; r < StateRounds; r++)
    {
        var target = agent.Stats.StatesPublished + StateTopics;
        for (var i = 0; i < StateTopics; i++)
            agent.PublishDecision(new ScaleDecision(new HpaRef("bench", $"h{i}"), now, 3, 3, 3, ScaleMode.Auto, "steady"));
        await WaitFor(() => agent.Stats.StatesPublished >= target);
    }
    sw.Stop();
    Console.WriteLine();
    Console.WriteLine($"State publish rate: {StateRounds * StateTopics / sw.Elapsed.TotalSeconds,8:N0} msg/s ({StateRounds * StateTopics} retained QoS 1 messages in {sw.Elapsed.TotalSeconds:F2} s)");

    const int Events = 2000;
    sw.Restart();
    for (var i = 0; i < Events; i++)
        agent.PublishDecision(new ScaleDecision(new HpaRef("bench", "ev"), now, i, i + 1, i + 1, ScaleMode.Auto, "bench"));
    var appended = sw.Elapsed;
    await WaitFor(() => agent.Stats.EventsPublished >= Events && agent.Stats.EventsPending == 0, 120);
    sw.Stop();
    Console.WriteLine($"Event rate: {Events / sw.Elapsed.TotalSeconds,8:N0} events/s end to end ({Events} QoS 2 events, each fsynced into the journal and released only after PUBCOMP, in order; appending alone took {appended.TotalMilliseconds:F0} ms)");
    Directory.Delete(dir, true);
}

static async Task WaitFor(Func<bool> condition, int seconds = 30)
{
    var deadline = DateTime.UtcNow.AddSeconds(seconds);
    while (!condition())
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException("benchmark condition not reached");
        await Task.Delay(1);
    }
}
