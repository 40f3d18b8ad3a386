namespace EdgeScaler.Panel.Tests;

using System.Device.Gpio;
using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Leds;
using EdgeScaler.Panel.Virtual;
using EdgeScaler.Panel.Wiring;
using Microsoft.Extensions.Time.Testing;
using EdgeScaler.TestKit;

/// <summary>
/// The LED table in docs/panel.md is the test table: every row is parsed, turned into an AgentStatus, and
/// checked against <see cref="LedPatterns.Compute"/> and against the virtual chip's output lines.
/// </summary>
public class LedTableVirtualTests
{
    public sealed record Row(string State, string Green, string Amber, string Red)
    {
        public override string ToString() => State;
    }

    public static IEnumerable<object[]> Rows() => ReadTable().Select(r => new object[] { r });

    private static List<Row> ReadTable()
    {
        var text = File.ReadAllText(RepoPaths.Of("docs/panel.md"));
        var start = text.IndexOf("<!-- led-table -->", StringComparison.Ordinal);
        var end = text.IndexOf("<!-- /led-table -->", StringComparison.Ordinal);
        var rows = new List<Row>();
        foreach (var line in text[start..end].Split('\n').Skip(3))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 6) continue;
            rows.Add(new Row(cells[1], cells[2], cells[3], cells[4]));
        }
        return rows;
    }

    /// <summary>Builds the state a row describes, from the baseline "API up, leader, cool, nothing going on".</summary>
    private static (AgentStatus Status, HpaRef Target, PanelIndication Indication) Parse(string state, DateTimeOffset now)
    {
        var target = Status.Web;
        bool api = true, leaderMissing = false, scaling = false, alarm = false, anyOverride = false;
        var thermal = ThermalState.Cool;
        var decisions = new List<ScaleDecision> { Status.Decision(Status.Web, 2, 2), Status.Decision(Status.Worker, 1, 1) };
        var indication = PanelIndication.None;
        foreach (var token in state.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (token)
            {
                case "api-down": api = false; break;
                case "no-leader": leaderMissing = true; break;
                case "scaling": scaling = true; break;
                case "alarm": alarm = true; break;
                case "refused": indication = PanelIndication.Refused(now); break;
                case "acked": indication = PanelIndication.Acknowledged(now); break;
                case "override:target": anyOverride = true; decisions[0] = Status.Decision(Status.Web, 2, 4, ScaleMode.Override); break;
                case "override:other": anyOverride = true; decisions[1] = Status.Decision(Status.Worker, 1, 3, ScaleMode.Override); break;
                case var s when s.StartsWith("selected:", StringComparison.Ordinal): indication = PanelIndication.Selected(int.Parse(s[9..]), now); break;
                case var s when Enum.TryParse<ThermalState>(s, ignoreCase: true, out var t): thermal = t; break;
                default: throw new InvalidOperationException($"docs/panel.md LED table: unknown state token '{token}'");
            }
        }
        var status = new AgentStatus(api, true, thermal, anyOverride, scaling, alarm, decisions) { LeaderMissing = leaderMissing };
        return (status, target, indication);
    }

    [Fact]
    public void Virtual_the_documented_table_is_not_empty_and_covers_every_thermal_state_and_indication()
    {
        var states = string.Join(' ', ReadTable().Select(r => r.State));
        foreach (var token in new[] { "unknown", "cool", "warm", "hot", "critical", "api-down", "no-leader", "scaling", "alarm",
                     "override:target", "override:other", "refused", "selected:", "acked" })
            Assert.Contains(token, states);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Virtual_each_documented_row_is_what_the_pure_function_computes(Row row)
    {
        var (status, target, indication) = Parse(row.State, Status.T0);
        var frame = LedPatterns.Compute(status, target, indication, Status.T0);
        Assert.Equal((row.Green, row.Amber, row.Red), (frame.Green.ToString(), frame.Amber.ToString(), frame.Red.ToString()));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Virtual_each_documented_row_drives_the_virtual_lines_accordingly(Row row)
    {
        // Mixed polarity on purpose: amber is wired active-low.
        var wiring = new PanelWiring("virtual-gpio", null,
            [new LedLine(LedColor.Green, 17, false), new LedLine(LedColor.Amber, 27, true), new LedLine(LedColor.Red, 22, false)], []);
        var driver = new VirtualGpioDriver();
        using var input = new ButtonInput(new FakeTimeProvider(), TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), [], _ => { });
        using var session = PanelSession.Open(new VirtualPanelGpio(driver), wiring, input);
        var (status, target, indication) = Parse(row.State, Status.T0);
        var frame = LedPatterns.Compute(status, target, indication, Status.T0);
        for (var ms = 0; ms < 4000; ms += 25)
        {
            var clock = TimeSpan.FromMilliseconds(ms);
            session.Render(frame, clock);
            Assert.Equal(frame.Green.LevelAt(clock), driver.OutputOf(17) == PinValue.High);
            Assert.Equal(frame.Amber.LevelAt(clock), driver.OutputOf(27) == PinValue.Low);
            Assert.Equal(frame.Red.LevelAt(clock), driver.OutputOf(22) == PinValue.High);
        }
    }

    [Fact]
    public void Virtual_every_state_combination_follows_the_priority_rules()
    {
        var now = Status.T0;
        foreach (var api in new[] { true, false })
        foreach (var leaderMissing in new[] { false, true })
        foreach (var thermal in Enum.GetValues<ThermalState>())
        foreach (var scaling in new[] { false, true })
        foreach (var alarm in new[] { false, true })
        foreach (var overrideOn in new[] { "none", "target", "other" })
        foreach (var indication in new[] { PanelIndication.None, PanelIndication.Refused(now), PanelIndication.Selected(2, now), PanelIndication.Acknowledged(now),
                     PanelIndication.Refused(now - TimeSpan.FromSeconds(5)) })
        {
            var decisions = new List<ScaleDecision>
            {
                Status.Decision(Status.Web, 2, 2, overrideOn == "target" ? ScaleMode.Override : ScaleMode.Auto),
                Status.Decision(Status.Worker, 1, 1, overrideOn == "other" ? ScaleMode.Override : ScaleMode.Auto),
            };
            var status = new AgentStatus(api, true, thermal, overrideOn != "none", scaling, alarm, decisions) { LeaderMissing = leaderMissing };
            var f = LedPatterns.Compute(status, Status.Web, indication, now);
            if (indication.ActiveAt(now))
            {
                Assert.Equal(LedPatterns.Compute(Status.Healthy(), Status.Web, indication, now), f); // the answer ignores the state
                continue;
            }
            if (!api || leaderMissing) { Assert.Equal(new LedFrame(LedPattern.BlinkSlow, LedPattern.BlinkSlow, LedPattern.BlinkSlow), f); continue; }
            Assert.Equal(thermal >= ThermalState.Hot ? LedPattern.Off : scaling ? LedPattern.BlinkSlow : LedPattern.On, f.Green);
            Assert.Equal(overrideOn switch { "target" => LedPattern.On, "other" => LedPattern.BlinkSlow, _ => LedPattern.Off }, f.Amber);
            if (thermal == ThermalState.Critical) Assert.Equal(LedPattern.BlinkFast, f.Red);
            else if (thermal <= ThermalState.Cool) Assert.Equal(alarm ? LedPattern.DoubleFlash : LedPattern.Off, f.Red);
            else Assert.NotEqual(LedPattern.Off, f.Red);
        }
    }

    [Theory]
    [InlineData(LedPatternKind.Off, 0, 0, false)]
    [InlineData(LedPatternKind.On, 0, 777, true)]
    [InlineData(LedPatternKind.BlinkSlow, 0, 499, true)]
    [InlineData(LedPatternKind.BlinkSlow, 0, 500, false)]
    [InlineData(LedPatternKind.BlinkSlow, 0, 1000, true)]
    [InlineData(LedPatternKind.BlinkFast, 0, 124, true)]
    [InlineData(LedPatternKind.BlinkFast, 0, 125, false)]
    [InlineData(LedPatternKind.BlinkFastInverse, 0, 124, false)]
    [InlineData(LedPatternKind.BlinkFastInverse, 0, 125, true)]
    [InlineData(LedPatternKind.DoubleFlash, 0, 50, true)]
    [InlineData(LedPatternKind.DoubleFlash, 0, 200, false)]
    [InlineData(LedPatternKind.DoubleFlash, 0, 350, true)]
    [InlineData(LedPatternKind.DoubleFlash, 0, 1000, false)]
    [InlineData(LedPatternKind.Code, 3, 1100, true)]   // third blink
    [InlineData(LedPatternKind.Code, 3, 1750, false)]  // pause after three
    [InlineData(LedPatternKind.Code, 3, 2250, false)]  // still pausing
    [InlineData(LedPatternKind.Code, 3, 2500, true)]   // next round
    public void Patterns_light_at_the_documented_times(LedPatternKind kind, int count, int ms, bool lit) =>
        Assert.Equal(lit, new LedPattern(kind, count).LevelAt(TimeSpan.FromMilliseconds(ms)));

    [Fact]
    public void A_blink_code_has_as_many_blinks_per_round_as_its_number()
    {
        for (var n = 1; n <= 9; n++)
        {
            var p = LedPattern.Code(n);
            var rises = 0;
            var last = false;
            for (var ms = 0; ms < n * 500 + 1000; ms += 10)
            {
                var now = p.LevelAt(TimeSpan.FromMilliseconds(ms));
                if (now && !last) rises++;
                last = now;
            }
            Assert.Equal(n, rises);
        }
    }
}
