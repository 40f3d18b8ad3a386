// KubeApiStandIn: JSON helpers — merge patch (RFC 7386), label/field selectors, metav1.Status responses.
namespace EdgeScaler.TestKit;

using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

public sealed partial class KubeApiStandIn
{
    /// <summary>RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject is { } t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null) result.Remove(name);
            else result[name] = MergePatch(result[name], value);
        }
        return result;
    }

    /// <summary>A JSON number as long, whatever CLR type backs it (parsed or built in code); null when absent or not a number.</summary>
    public static long? AsLong(JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d)) return (long)d;
        return null;
    }

    /// <summary>A parsed label selector: a list of requirements ANDed together.</summary>
    public sealed class LabelSelector
    {
        private readonly List<(string Key, string Op, string[] Values)> _requirements = [];

        public static bool TryParse(string? text, out LabelSelector selector, out string error)
        {
            selector = new LabelSelector();
            error = "";
            if (string.IsNullOrWhiteSpace(text)) return true;
            foreach (var raw in SplitTopLevel(text))
            {
                var part = raw.Trim();
                if (part.Length == 0) { error = $"empty requirement in \"{text}\""; return false; }
                string key, op;
                string[] values;
                var inIndex = IndexOfWord(part, " notin ");
                var isIn = inIndex < 0 && (inIndex = IndexOfWord(part, " in ")) >= 0;
                if (inIndex >= 0)
                {
                    op = isIn ? "in" : "notin";
                    key = part[..inIndex].Trim();
                    var rest = part[(inIndex + (isIn ? 4 : 7))..].Trim();
                    if (!rest.StartsWith('(') || !rest.EndsWith(')')) { error = $"set requirement without parentheses: \"{part}\""; return false; }
                    values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                }
                else if (part.Contains("!=", StringComparison.Ordinal))
                {
                    var i = part.IndexOf("!=", StringComparison.Ordinal);
                    (key, op, values) = (part[..i].Trim(), "!=", [part[(i + 2)..].Trim()]);
                }
                else if (part.Contains("==", StringComparison.Ordinal))
                {
                    var i = part.IndexOf("==", StringComparison.Ordinal);
                    (key, op, values) = (part[..i].Trim(), "=", [part[(i + 2)..].Trim()]);
                }
                else if (part.Contains('='))
                {
                    var i = part.IndexOf('=');
                    (key, op, values) = (part[..i].Trim(), "=", [part[(i + 1)..].Trim()]);
                }
                else if (part.StartsWith('!'))
                    (key, op, values) = (part[1..].Trim(), "!exists", []);
                else
                    (key, op, values) = (part, "exists", []);
                if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!' or ','))
                {
                    error = $"invalid label key in \"{part}\"";
                    return false;
                }
                selector._requirements.Add((key, op, values));
            }
            return true;
        }

        public bool Matches(JsonObject? labels)
        {
            foreach (var (key, op, values) in _requirements)
            {
                var value = labels?[key]?.GetValue<string>();
                var ok = op switch
                {
                    "=" => value == values[0],
                    "!=" => value != values[0],
                    "in" => value is not null && values.Contains(value),
                    "notin" => value is null || !values.Contains(value),
                    "exists" => value is not null,
                    "!exists" => value is null,
                    _ => false,
                };
                if (!ok) return false;
            }
            return true;
        }

        private static int IndexOfWord(string s, string word) => s.IndexOf(word, StringComparison.Ordinal);

        private static IEnumerable<string> SplitTopLevel(string text)
        {
            var depth = 0;
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '(') depth++;
                else if (text[i] == ')') depth--;
                else if (text[i] == ',' && depth == 0) { yield return text[start..i]; start = i + 1; }
            }
            yield return text[start..];
        }
    }

    /// <summary>Field selector: "a.b=c,d!=e" over dotted JSON paths (metadata.name, spec.nodeName, status.phase...).</summary>
    private static bool TryParseFieldSelector(string? text, out Func<JsonObject, bool> predicate, out string error)
    {
        predicate = _ => true;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        var terms = new List<(string[] Path, bool Equal, string Value)>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            int i;
            bool equal;
            int width;
            if ((i = part.IndexOf("!=", StringComparison.Ordinal)) > 0) { equal = false; width = 2; }
            else if ((i = part.IndexOf("==", StringComparison.Ordinal)) > 0) { equal = true; width = 2; }
            else if ((i = part.IndexOf('=')) > 0) { equal = true; width = 1; }
            else { error = $"invalid field selector term \"{part}\""; return false; }
            terms.Add((part[..i].Trim().Split('.'), equal, part[(i + width)..].Trim()));
        }
        predicate = obj =>
        {
            foreach (var (path, equal, value) in terms)
            {
                JsonNode? node = obj;
                foreach (var segment in path) node = node is JsonObject o ? o[segment] : null;
                var actual = node is JsonValue v ? v.ToString() : "";
                if ((actual == value) != equal) return false;
            }
            return true;
        };
        return true;
    }

    private static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };

    /// <summary>A metav1.Status object as the apiserver returns for errors.</summary>
    public static JsonObject StatusObject(int code, string reason, string message, string? name = null, string? group = null, string? kind = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = code < 400 ? "Success" : "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (name is not null || kind is not null)
        {
            var details = new JsonObject();
            if (name is not null) details["name"] = name;
            if (group is not null) details["group"] = group;
            if (kind is not null) details["kind"] = kind;
            status["details"] = details;
        }
        return status;
    }

    /// <summary>Writes a metav1.Status error response (usable from interceptors).</summary>
    public static Task WriteStatusAsync(HttpContext ctx, int code, string reason, string message, string? name = null, string? group = null, string? kind = null) =>
        WriteJsonAsync(ctx, code, StatusObject(code, reason, message, name, group, kind));

    /// <summary>Writes a JSON response (usable from interceptors).</summary>
    public static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }
}
