using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>_source fetching: on/off plus include/exclude path patterns (with '*').</summary>
internal sealed class SourceFilter
{
    public static readonly SourceFilter All = new(true, [], []);

    public SourceFilter(bool fetch, IReadOnlyList<string> includes, IReadOnlyList<string> excludes)
    {
        Fetch = fetch;
        Includes = includes;
        Excludes = excludes;
    }

    public bool Fetch { get; }

    public IReadOnlyList<string> Includes { get; }

    public IReadOnlyList<string> Excludes { get; }

    /// <summary>From the <c>_source</c>, <c>_source_includes</c> and <c>_source_excludes</c> request parameters.</summary>
    public static SourceFilter? FromParams(EsRequest request)
    {
        var source = request.Param("_source");
        var includes = request.Param("_source_includes") ?? request.Param("_source_include");
        var excludes = request.Param("_source_excludes") ?? request.Param("_source_exclude");
        if (source is null && includes is null && excludes is null)
        {
            return null;
        }

        var fetch = true;
        var inc = new List<string>();
        if (source is not null)
        {
            switch (source)
            {
                case "true":
                case "":
                    break;
                case "false":
                    fetch = false;
                    break;
                default:
                    inc.AddRange(IndexNames.SplitCommas(source));
                    break;
            }
        }

        if (includes is not null)
        {
            inc.AddRange(IndexNames.SplitCommas(includes));
        }

        return new SourceFilter(fetch, inc, IndexNames.SplitCommas(excludes));
    }

    /// <summary>From a body <c>_source</c>: true/false, "field", ["a","b*"], or {includes, excludes}.</summary>
    public static SourceFilter FromJson(JsonNode? node)
    {
        switch (JsonUtil.Kind(node))
        {
            case JsonValueKind.True:
                return All;
            case JsonValueKind.False:
                return new SourceFilter(false, [], []);
            case JsonValueKind.String:
                return new SourceFilter(true, [node!.GetValue<string>()], []);
            case JsonValueKind.Array:
                return new SourceFilter(true, node!.AsArray().Select(JsonUtil.ScalarText).ToList(), []);
            case JsonValueKind.Object:
            {
                var inc = new List<string>();
                var exc = new List<string>();
                foreach (var (k, v) in node!.AsObject())
                {
                    var list = k switch
                    {
                        "includes" or "include" => inc,
                        "excludes" or "exclude" => exc,
                        _ => throw EsException.Parsing($"Unknown key for a {(v is JsonArray ? "START_ARRAY" : "VALUE_STRING")} in [{k}]."),
                    };
                    if (v is JsonArray arr)
                    {
                        list.AddRange(arr.Select(JsonUtil.ScalarText));
                    }
                    else
                    {
                        list.Add(JsonUtil.ScalarText(v));
                    }
                }

                return new SourceFilter(true, inc, exc);
            }

            default:
                throw EsException.Parsing("Expected one of [TRUE, FALSE, VALUE_STRING, START_ARRAY, START_OBJECT] but found [" + JsonUtil.Kind(node) + "]");
        }
    }

    /// <summary>The filtered source, or null when _source is not fetched.</summary>
    public JsonNode? Apply(JsonElement source)
    {
        if (!Fetch)
        {
            return null;
        }

        if (Includes.Count == 0 && Excludes.Count == 0)
        {
            return JsonUtil.ToNode(source);
        }

        return FilterObject(source, "", Includes.Count == 0);
    }

    private JsonObject FilterObject(JsonElement obj, string path, bool included)
    {
        var result = new JsonObject();
        foreach (var prop in obj.EnumerateObject())
        {
            var full = path.Length == 0 ? prop.Name : path + "." + prop.Name;
            var (keep, value) = FilterValue(prop.Value, full, included);
            if (keep)
            {
                result[prop.Name] = value;
            }
        }

        return result;
    }

    private (bool Keep, JsonNode? Value) FilterValue(JsonElement value, string path, bool parentIncluded)
    {
        if (Excludes.Any(e => IndexNames.SimpleMatch(e, path)))
        {
            return (false, null);
        }

        var included = parentIncluded || Includes.Any(i => IndexNames.SimpleMatch(i, path));
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
            {
                if (!included && !Includes.Any(i => MayMatchBelow(i, path)))
                {
                    return (false, null);
                }

                var inner = FilterObject(value, path, included);
                return !included && inner.Count == 0 ? (false, null) : (true, inner);
            }

            case JsonValueKind.Array:
            {
                if (!included && !Includes.Any(i => MayMatchBelow(i, path)))
                {
                    return (false, null);
                }

                var arr = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        var (keep, v) = FilterValue(item, path, included);
                        if (keep)
                        {
                            arr.Add(v);
                        }
                    }
                    else if (included)
                    {
                        arr.Add(JsonValue.Create(item));
                    }
                }

                return !included && arr.Count == 0 ? (false, null) : (true, arr);
            }

            default:
                return included ? (true, JsonValue.Create(value)) : (false, null);
        }
    }

    private static bool MayMatchBelow(string pattern, string path)
    {
        var prefix = path + ".";
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        var literal = star < 0 ? pattern : pattern[..star];
        return literal.StartsWith(prefix, StringComparison.Ordinal) || (star >= 0 && prefix.StartsWith(literal, StringComparison.Ordinal));
    }
}
