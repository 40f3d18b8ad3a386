namespace EdgeScaler.Simulation.Output;

using System.Globalization;
using System.Text;
using EdgeScaler.Simulation.Engine;

/// <summary>
/// timeline.svg: three stacked charts sharing the time axis — SoC temperatures with the throttle and hot limits drawn
/// and throttled time shaded; replicas (and desired) per workload; demand vs served per workload with dropped
/// requests in red. Plain SVG 1.1, no scripts or fonts to fetch, so any browser or rsvg-convert renders it.
/// </summary>
public static class TimelineSvgWriter
{
    private const int Width = 1100, Left = 70, Right = 190, PlotHeight = 230, Gap = 70, Top = 95;
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

    public static void Write(RunResult run, TextWriter w) => w.Write(Render(run));

    public static string Render(RunResult run)
    {
        var ticks = run.Ticks;
        var plotWidth = Width - Left - Right;
        var height = Top + 3 * PlotHeight + 2 * Gap + 50;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"28\" font-size=\"18\" font-weight=\"bold\">{Esc(run.Scenario.Name)} — thermal policy: {Esc(run.PolicyLabel)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"48\" fill=\"#555\">{Esc(Truncate(run.Scenario.Description, 150))}</text>\n");
        if (ticks.Count == 0) { sb.Append("</svg>\n"); return sb.ToString(); }

        var step = Math.Max(1, (int)Math.Ceiling(ticks.Count / (double)plotWidth));
        var idx = Enumerable.Range(0, (ticks.Count + step - 1) / step).Select(i => Math.Min(ticks.Count - 1, i * step + step - 1)).ToList();
        var t0 = 0.0; var t1 = ticks[^1].Elapsed.TotalSeconds;
        double X(int i) => Left + (ticks[i].Elapsed.TotalSeconds - t0) / Math.Max(1, t1 - t0) * plotWidth;

        // 1. Temperatures.
        var y0 = Top;
        var limits = LimitLines(run);
        var tMin = Math.Floor(Math.Min(ticks.Min(t => t.AmbientCelsius), ticks.Min(t => t.Nodes.Length > 0 ? t.Nodes.Min(n => n.Celsius) : 0)) / 5) * 5 - 5;
        var tMax = Math.Ceiling(Math.Max(limits.Count > 0 ? limits.Max(l => l.Celsius) : 0, ticks.Max(t => t.Nodes.Length > 0 ? t.Nodes.Max(n => n.Celsius) : 0)) / 5) * 5 + 5;
        Frame(sb, y0, plotWidth, "SoC temperature (°C)", tMin, tMax, 5, run, ticks);
        double YT(double c) => y0 + PlotHeight - (c - tMin) / (tMax - tMin) * PlotHeight;
        // Shade ticks where any node is throttled.
        var throttleStart = -1;
        for (var i = 0; i <= ticks.Count; i++)
        {
            var on = i < ticks.Count && ticks[i].Nodes.Any(n => n.Throttled);
            if (on && throttleStart < 0) throttleStart = i;
            if (!on && throttleStart >= 0)
            {
                var xa = X(throttleStart); var xb = X(i - 1) + 1;
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(xa)}\" y=\"{y0}\" width=\"{F(Math.Max(1, xb - xa))}\" height=\"{PlotHeight}\" fill=\"#ffdddd\" opacity=\"0.7\"/>\n");
                throttleStart = -1;
            }
        }
        foreach (var (label, c, color) in limits)
        {
            var y = YT(c);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"{color}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 6}\" y=\"{F(y - 4)}\" fill=\"{color}\" font-size=\"11\">{Esc(label)} {F(c)} °C</text>\n");
        }
        Polyline(sb, idx.Select(i => (X(i), YT(ticks[i].AmbientCelsius))), "#777", "4 3", 1.5);
        for (var n = 0; n < run.NodeNames.Count; n++)
            Polyline(sb, idx.Select(i => (X(i), YT(ticks[i].Nodes[n].Celsius))), Palette[n % Palette.Length], null, 1.6);
        var legend = run.NodeNames.Select((name, n) => (name, Palette[n % Palette.Length], (string?)null)).Append(("ambient", "#777", "4 3")).Append(("throttled", "#ffdddd", "box")).ToList();
        Legend(sb, y0, plotWidth, legend);

        // 2. Replicas.
        y0 += PlotHeight + Gap;
        var rMax = Math.Max(2, ticks.Max(t => t.Workloads.Length > 0 ? t.Workloads.Max(x => Math.Max(x.Replicas, x.Desired)) : 1) + 1);
        Frame(sb, y0, plotWidth, "Replicas (solid: pods, dashed: desired by the Scaler)", 0, rMax, NiceStep(rMax), run, ticks);
        double YR(double r) => y0 + PlotHeight - r / rMax * PlotHeight;
        for (var k = 0; k < run.WorkloadNames.Count; k++)
        {
            var color = Palette[(k + 3) % Palette.Length];
            Polyline(sb, Steps(idx.Select(i => (X(i), YR(ticks[i].Workloads[k].Replicas)))), color, null, 2);
            Polyline(sb, Steps(idx.Select(i => (X(i), YR(ticks[i].Workloads[k].Desired)))), color, "5 3", 1.2);
        }
        Legend(sb, y0, plotWidth, run.WorkloadNames.Select((name, k) => (name, Palette[(k + 3) % Palette.Length], (string?)null)).ToList());

        // 3. Demand vs served.
        y0 += PlotHeight + Gap;
        var dMax = ticks.Max(t => t.Workloads.Length > 0 ? t.Workloads.Max(x => Math.Max(x.Demand, x.Served)) : 1);
        dMax = Math.Max(1, Math.Ceiling(dMax / NiceStep(dMax)) * NiceStep(dMax));
        Frame(sb, y0, plotWidth, "Requests/s (dashed: demand, solid: served, red: dropped)", 0, dMax, NiceStep(dMax), run, ticks);
        double YD(double d) => y0 + PlotHeight - Math.Min(d, dMax) / dMax * PlotHeight;
        var dt = run.Scenario.Tick.TotalSeconds;
        // Dropped per second, summed over workloads, as a red area (bucket mean so short bursts stay visible).
        var droppedPts = new List<(double, double)> { (X(idx[0]), YD(0)) };
        var prevEnd = -1;
        foreach (var i in idx)
        {
            double sum = 0; var count = 0;
            for (var j = prevEnd + 1; j <= i; j++) { sum += ticks[j].Workloads.Sum(x => x.Dropped) / dt; count++; }
            prevEnd = i;
            droppedPts.Add((X(i), YD(count > 0 ? sum / count : 0)));
        }
        droppedPts.Add((X(idx[^1]), YD(0)));
        sb.Append("<polygon fill=\"#d62728\" fill-opacity=\"0.35\" stroke=\"none\" points=\"").AppendJoin(' ', droppedPts.Select(p => $"{F(p.Item1)},{F(p.Item2)}")).Append("\"/>\n");
        for (var k = 0; k < run.WorkloadNames.Count; k++)
        {
            var color = Palette[(k + 3) % Palette.Length];
            Polyline(sb, idx.Select(i => (X(i), YD(ticks[i].Workloads[k].Demand))), color, "5 3", 1.2);
            Polyline(sb, idx.Select(i => (X(i), YD(ticks[i].Workloads[k].Served))), color, null, 1.8);
        }
        Legend(sb, y0, plotWidth, run.WorkloadNames.Select((name, k) => (name, Palette[(k + 3) % Palette.Length], (string?)null)).Append(("dropped", "#d62728", "box")).ToList());

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth / 2}\" y=\"{y0 + PlotHeight + 40}\" text-anchor=\"middle\" fill=\"#333\">simulated time of day (UTC), {Esc(run.Scenario.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>The limit lines worth drawing: each board's throttle points and each distinct hot limit.</summary>
    private static List<(string Label, double Celsius, string Color)> LimitLines(RunResult run)
    {
        var lines = new List<(string Label, double Celsius, string Color)>();
        void Add(string label, double c, string color)
        {
            var i = lines.FindIndex(l => Math.Abs(l.Celsius - c) < 0.01);
            if (i < 0) lines.Add((label, c, color));
            else if (!lines[i].Label.Contains(label, StringComparison.Ordinal)) lines[i] = (lines[i].Label + " · " + label, c, lines[i].Color);
        }
        foreach (var hot in run.Ticks[^1].Nodes.Select(n => n.HotLimitCelsius).Where(double.IsFinite).Distinct()) Add("hot limit", hot, "#e67e00");
        foreach (var board in run.Scenario.Nodes.Select(n => n.Board).Distinct())
        {
            var t = board.Throttle;
            if (t.SoftLimitCelsius is { } soft) Add($"{board.BoardId} soft limit", soft, "#b8860b");
            Add($"{board.BoardId} throttle", t.ProgressiveFromCelsius, "#d62728");
            Add($"{board.BoardId} hard limit", t.HardCelsius, "#8b0000");
        }
        return lines;
    }

    private static void Frame(StringBuilder sb, int y0, int plotWidth, string title, double min, double max, double step, RunResult run, IReadOnlyList<TickRecord> ticks)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{y0 - 10}\" font-size=\"14\" font-weight=\"bold\">{Esc(title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y0}\" width=\"{plotWidth}\" height=\"{PlotHeight}\" fill=\"none\" stroke=\"#999\"/>\n");
        for (var v = min; v <= max + 1e-9; v += step)
        {
            var y = y0 + PlotHeight - (v - min) / (max - min) * PlotHeight;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"#eee\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" fill=\"#333\">{F(v)}</text>\n");
        }
        var total = ticks[^1].Elapsed.TotalSeconds;
        var every = total <= 3 * 3600 ? 900 : total <= 12 * 3600 ? 3600 : 4 * 3600;
        for (var s = 0.0; s <= total + 1e-9; s += every)
        {
            var x = Left + s / Math.Max(1, total) * plotWidth;
            var clock = run.Scenario.Start.AddSeconds(s).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"{y0}\" y2=\"{y0 + PlotHeight}\" stroke=\"#f2f2f2\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{y0 + PlotHeight + 16}\" text-anchor=\"middle\" fill=\"#333\">{clock}</text>\n");
        }
    }

    private static void Legend(StringBuilder sb, int y0, int plotWidth, IReadOnlyList<(string Name, string Color, string? Dash)> items)
    {
        var x = Left + plotWidth + 10;
        var y = y0 + 12;
        foreach (var (name, color, dash) in items.Take(14))
        {
            if (dash == "box") sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y - 8}\" width=\"22\" height=\"10\" fill=\"{color}\"/>\n");
            else sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" x2=\"{x + 22}\" y1=\"{y - 4}\" y2=\"{y - 4}\" stroke=\"{color}\" stroke-width=\"2\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 28}\" y=\"{y}\">{Esc(name)}</text>\n");
            y += 16;
        }
    }

    private static IEnumerable<(double, double)> Steps(IEnumerable<(double X, double Y)> points)
    {
        (double X, double Y)? prev = null;
        foreach (var p in points)
        {
            if (prev is { } q && q.Y != p.Y) yield return (p.X, q.Y);
            yield return p;
            prev = p;
        }
    }

    private static void Polyline(StringBuilder sb, IEnumerable<(double X, double Y)> points, string color, string? dash, double width)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{F(width)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")} points=\"");
        sb.AppendJoin(' ', points.Select(p => $"{F(p.X)},{F(p.Y)}"));
        sb.Append("\"/>\n");
    }

    private static double NiceStep(double max)
    {
        var raw = max / 5;
        var mag = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(raw, 1e-9))));
        var n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    }

    private static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
