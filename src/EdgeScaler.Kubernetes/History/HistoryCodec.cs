namespace EdgeScaler.Kubernetes.History;

using System.Globalization;
using System.Text;
using EdgeScaler.Core.Hpa;

/// <summary>
/// A compact, strict text form of one HPA's controller memory, for the history ConfigMap:
/// <c>uid=&lt;uid&gt;;r=3@1732748400123,4@…;u=1@…;d=2@…</c> (replicas or change @ unix milliseconds).
/// The HPA's uid is kept so a deleted-and-recreated HPA does not inherit its predecessor's window.
/// </summary>
public static class HistoryCodec
{
    public static string Format(string uid, HpaHistory history)
    {
        var sb = new StringBuilder(32 + 20 * (history.Recommendations.Count + history.ScaleUpEvents.Count + history.ScaleDownEvents.Count));
        sb.Append("uid=").Append(uid);
        sb.Append(";r=");
        AppendList(sb, history.Recommendations.Select(r => (r.Replicas, r.Timestamp)));
        sb.Append(";u=");
        AppendList(sb, history.ScaleUpEvents.Select(e => (e.ReplicaChange, e.Timestamp)));
        sb.Append(";d=");
        AppendList(sb, history.ScaleDownEvents.Select(e => (e.ReplicaChange, e.Timestamp)));
        return sb.ToString();
    }

    private static void AppendList(StringBuilder sb, IEnumerable<(int Value, DateTimeOffset At)> items)
    {
        var first = true;
        foreach (var (value, at) in items)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(value.ToString(CultureInfo.InvariantCulture)).Append('@').Append(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }
    }

    public static bool TryParse(string text, out string uid, out HpaHistory history, out string error)
    {
        uid = "";
        history = HpaHistory.Empty;
        error = "";
        var parts = text.Split(';');
        if (parts.Length != 4 || !parts[0].StartsWith("uid=", StringComparison.Ordinal) || !parts[1].StartsWith("r=", StringComparison.Ordinal)
            || !parts[2].StartsWith("u=", StringComparison.Ordinal) || !parts[3].StartsWith("d=", StringComparison.Ordinal))
        {
            error = "expected uid=…;r=…;u=…;d=…";
            return false;
        }
        uid = parts[0][4..];
        if (!TryParseList(parts[1][2..], out var recs, out error) || !TryParseList(parts[2][2..], out var ups, out error) || !TryParseList(parts[3][2..], out var downs, out error))
            return false;
        history = new HpaHistory(
            recs.Select(x => new TimestampedRecommendation(x.Value, x.At)).ToList(),
            ups.Select(x => new ScaleEvent(x.Value, x.At)).ToList(),
            downs.Select(x => new ScaleEvent(x.Value, x.At)).ToList());
        return true;
    }

    private static bool TryParseList(string text, out List<(int Value, DateTimeOffset At)> items, out string error)
    {
        items = [];
        error = "";
        if (text.Length == 0) return true;
        foreach (var item in text.Split(','))
        {
            var at = item.IndexOf('@');
            if (at <= 0
                || !int.TryParse(item.AsSpan(0, at), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0
                || !long.TryParse(item.AsSpan(at + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
                || ms < 0 || ms > 253402300799999)
            {
                error = $"bad entry \"{item}\" (want <count>@<unix ms>)";
                return false;
            }
            items.Add((value, DateTimeOffset.FromUnixTimeMilliseconds(ms)));
        }
        return true;
    }
}
