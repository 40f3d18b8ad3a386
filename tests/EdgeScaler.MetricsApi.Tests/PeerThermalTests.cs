namespace EdgeScaler.MetricsApi.Tests;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;
using EdgeScaler.MetricsApi.Cluster;
using Microsoft.Extensions.Time.Testing;

/// <summary>Each agent's thermal state travels with its local samples, so the leader's thermal policy sees every node.</summary>
public sealed class PeerThermalTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.Parse("2026-06-01T12:00:00Z");

    [Theory]
    [InlineData(ThermalState.Cool)]
    [InlineData(ThermalState.Warm)]
    [InlineData(ThermalState.Hot)]
    [InlineData(ThermalState.Critical)]
    [InlineData(ThermalState.Unknown)]
    public void Thermal_state_round_trips_through_the_local_samples_document(ThermalState state)
    {
        var samples = new LocalSamples("edge-2", null, []) { Thermal = state };
        Assert.Equal(state, LocalSamples.FromJson(samples.ToJson()).Thermal);
    }

    [Fact]
    public void A_document_from_an_older_agent_without_thermal_state_reads_as_unknown() =>
        Assert.Equal(ThermalState.Unknown, LocalSamples.FromJson("""{"nodeName":"edge-2","pods":[]}"""u8).Thermal);

    [Fact]
    public void An_unknown_state_name_from_a_newer_agent_reads_as_unknown_not_an_error() =>
        Assert.Equal(ThermalState.Unknown, LocalSamples.FromJson("""{"nodeName":"edge-2","thermalState":"melting","pods":[]}"""u8).Thermal);

    [Fact]
    public void The_local_state_is_served_to_peers_and_survives_the_next_usage_update()
    {
        var store = new ClusterMetricsStore("edge-1", new FakeTimeProvider(T));
        store.SetLocalThermal(ThermalState.Hot);
        Assert.Equal(ThermalState.Hot, LocalSamples.FromJson(store.LocalSamplesJson()).Thermal);
        store.SetLocal(new NodeUsage("edge-1", T, TimeSpan.FromSeconds(10), new ResourceUsage(1, 1024)), []);
        Assert.Equal(ThermalState.Hot, LocalSamples.FromJson(store.LocalSamplesJson()).Thermal);
        store.SetLocalThermal(ThermalState.Cool);
        Assert.Equal(ThermalState.Cool, LocalSamples.FromJson(store.LocalSamplesJson()).Thermal);
    }

    [Fact]
    public void Peer_states_leave_out_ourselves_unknown_states_and_stale_peers()
    {
        var time = new FakeTimeProvider(T);
        var store = new ClusterMetricsStore("edge-1", time, TimeSpan.FromSeconds(60));
        store.SetPeer("https://10.0.0.2:4443", new LocalSamples("edge-2", null, []) { Thermal = ThermalState.Hot });
        store.SetPeer("https://10.0.0.3:4443", new LocalSamples("edge-3", null, []));
        store.SetPeer("https://10.0.0.1:4443", new LocalSamples("edge-1", null, []) { Thermal = ThermalState.Critical }); // ourselves via the peer list
        Assert.Equal([new KeyValuePair<string, ThermalState>("edge-2", ThermalState.Hot)], store.PeerThermalStates().ToList());

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Empty(store.PeerThermalStates());
    }
}
