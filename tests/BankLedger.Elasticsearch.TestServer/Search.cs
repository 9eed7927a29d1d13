using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

internal sealed class SortSpec
{
    public required string Field { get; init; }

    public bool Desc { get; init; }

    /// <summary>"_last", "_first" or a custom value.</summary>
    public JsonNode? Missing { get; init; }

    public string? UnmappedType { get; init; }

    public string? Mode { get; init; }

    public string? Format { get; init; }

    public bool IsScore => Field == "_score";

    public bool IsDoc => Field == "_doc";
}

internal sealed class SearchSpec
{
    public Query Query { get; set; } = new MatchAllQuery();

    public int From { get; set; }

    public int Size { get; set; } = 10;

    public List<SortSpec>? Sort { get; set; }

    public JsonArray? SearchAfter { get; set; }

    /// <summary>-1: disabled; int.MaxValue: accurate; otherwise the threshold.</summary>
    public int TrackTotalHits { get; set; } = 10_000;

    public bool TrackTotalHitsSet { get; set; }

    public SourceFilter Source { get; set; } = SourceFilter.All;

    public bool Version { get; set; }

    public bool SeqNoPrimaryTerm { get; set; }

    public bool TrackScores { get; set; }

    public double? MinScore { get; set; }

    public Query? PostFilter { get; set; }

    public int TerminateAfter { get; set; }

    public bool RestTotalHitsAsInt { get; set; }

    public bool AllowPartialSearchResults { get; set; } = true;
}

internal enum SortType
{
    Long,
    Int,
    Double,
    Float,
    String,
    Score,
    Doc,
}

internal readonly record struct SortVal(bool IsNull, long L, double D, string? S);

internal sealed partial class Cluster
{
    private static readonly HashSet<string> UnsupportedBodyKeys = new(StringComparer.Ordinal)
    {
        "aggs", "aggregations", "highlight", "suggest", "collapse", "rescore", "pit", "knn", "runtime_mappings", "fields",
        "docvalue_fields", "script_fields", "slice", "ext", "retriever", "rank", "indices_boost", "stats", "point_in_time",
        "sub_searches", "scroll",
    };

    // ------------------------------------------------------------------------------------------
    // Request parsing.
    // ------------------------------------------------------------------------------------------

    public static SearchSpec ParseSearch(EsRequest request, JsonNode? body)
    {
        var spec = new SearchSpec();
        if (body is not null && body is not JsonObject)
        {
            throw EsException.Parsing("Unexpected token in search body, expected START_OBJECT");
        }

        if (body is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                switch (k)
                {
                    case "query":
                        spec.Query = Query.Parse(v);
                        break;
                    case "from":
                        spec.From = JsonUtil.ToInt(v, "from");
                        break;
                    case "size":
                        spec.Size = JsonUtil.ToInt(v, "size");
                        break;
                    case "sort":
                        spec.Sort = ParseSort(v);
                        break;
                    case "search_after":
                        spec.SearchAfter = v as JsonArray ?? throw EsException.Parsing("[search_after] must be an array");
                        break;
                    case "track_total_hits":
                        spec.TrackTotalHits = ParseTrackTotalHits(JsonUtil.ScalarText(v));
                        spec.TrackTotalHitsSet = true;
                        break;
                    case "_source":
                        spec.Source = SourceFilter.FromJson(v);
                        break;
                    case "version":
                        spec.Version = JsonUtil.ToBool(v, k);
                        break;
                    case "seq_no_primary_term":
                        spec.SeqNoPrimaryTerm = JsonUtil.ToBool(v, k);
                        break;
                    case "track_scores":
                        spec.TrackScores = JsonUtil.ToBool(v, k);
                        break;
                    case "min_score":
                        spec.MinScore = JsonUtil.TryDouble(JsonUtil.ScalarText(v), out var ms) ? ms : throw EsException.Parsing("[min_score] must be a number");
                        break;
                    case "post_filter":
                        spec.PostFilter = Query.Parse(v);
                        break;
                    case "terminate_after":
                        spec.TerminateAfter = JsonUtil.ToInt(v, k);
                        break;
                    case "timeout":
                        break;
                    case "stored_fields":
                        if (!StoredFieldsKeepSource(v is JsonArray a ? a.Select(JsonUtil.ScalarText) : [JsonUtil.ScalarText(v)]))
                        {
                            spec.Source = new SourceFilter(false, [], []);
                        }

                        break;
                    case "explain":
                    case "profile":
                        if (JsonUtil.ToBool(v, k))
                        {
                            throw EsException.Unsupported($"search [{k}: true]");
                        }

                        break;
                    default:
                        if (UnsupportedBodyKeys.Contains(k))
                        {
                            throw EsException.Unsupported($"search body key [{k}]");
                        }

                        throw EsException.Parsing($"Unknown key for a {TokenName(v)} in [{k}].");
                }
            }
        }

        // URL parameters override the body, as in RestSearchAction.
        if (request.Param("size") is not null)
        {
            spec.Size = request.Int("size", 10);
        }

        if (request.Param("from") is not null)
        {
            spec.From = request.Int("from", 0);
        }

        if (request.Param("sort") is { } sortParam)
        {
            spec.Sort = IndexNames.SplitCommas(sortParam).Select(s =>
            {
                var colon = s.LastIndexOf(':');
                if (colon < 0)
                {
                    return new SortSpec { Field = s, Desc = s == "_score" };
                }

                var order = s[(colon + 1)..];
                return new SortSpec { Field = s[..colon], Desc = ParseOrder(order) };
            }).ToList();
        }

        if (SourceFilter.FromParams(request) is { } sf)
        {
            spec.Source = sf;
        }

        if (request.Param("stored_fields") is { } storedFields && !StoredFieldsKeepSource(IndexNames.SplitCommas(storedFields)))
        {
            spec.Source = new SourceFilter(false, [], []);
        }

        if (request.Param("track_total_hits") is { } tth)
        {
            spec.TrackTotalHits = ParseTrackTotalHits(tth.Length == 0 ? "true" : tth);
            spec.TrackTotalHitsSet = true;
        }

        spec.Version = request.Flag("version", spec.Version);
        spec.SeqNoPrimaryTerm = request.Flag("seq_no_primary_term", spec.SeqNoPrimaryTerm);
        spec.TrackScores = request.Flag("track_scores", spec.TrackScores);
        if (request.Param("terminate_after") is not null)
        {
            spec.TerminateAfter = request.Int("terminate_after", 0);
        }

        spec.RestTotalHitsAsInt = request.Flag("rest_total_hits_as_int", false);
        spec.AllowPartialSearchResults = request.Flag("allow_partial_search_results", true);
        if (spec.RestTotalHitsAsInt)
        {
            if (!spec.TrackTotalHitsSet)
            {
                spec.TrackTotalHits = int.MaxValue;
            }
            else if (spec.TrackTotalHits != int.MaxValue && spec.TrackTotalHits != -1)
            {
                throw EsException.IllegalArgument(
                    $"[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got {spec.TrackTotalHits}");
            }
        }

        var errors = new List<string>();
        if (spec.From < 0)
        {
            errors.Add($"[from] parameter cannot be negative but was [{spec.From}]");
        }

        if (spec.Size < 0)
        {
            errors.Add($"[size] parameter cannot be negative, found [{spec.Size}]");
        }

        if (spec.SearchAfter is not null && spec.From > 0)
        {
            errors.Add("[from] parameter must be set to 0 when [search_after] is used");
        }

        if (errors.Count > 0)
        {
            throw EsException.Validation(errors.ToArray());
        }

        if (spec.TerminateAfter < 0)
        {
            throw EsException.IllegalArgument("terminateAfter must be > 0");
        }

        return spec;
    }

    private static bool StoredFieldsKeepSource(IEnumerable<string> fields)
    {
        var list = fields.ToList();
        if (list.Count == 1 && list[0] == "_none_")
        {
            return false;
        }

        return list.Contains("_source") || list.Contains("*");
    }

    private static int ParseTrackTotalHits(string text)
    {
        switch (text)
        {
            case "true":
                return int.MaxValue;
            case "false":
                return -1;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            throw EsException.IllegalArgument($"Failed to parse value [{text}] as only [true] or [false] are allowed.");
        }

        if (n < -1)
        {
            throw EsException.IllegalArgument($"[track_total_hits] parameter must be positive or equals to -1, got {n}");
        }

        return n;
    }

    private static bool ParseOrder(string order) => order.ToLowerInvariant() switch
    {
        "asc" => false,
        "desc" => true,
        _ => throw EsException.IllegalArgument($"Unknown SortOrder [{order}]"),
    };

    private static List<SortSpec> ParseSort(JsonNode? node)
    {
        var list = new List<SortSpec>();
        IEnumerable<JsonNode?> items = node is JsonArray arr ? arr : new[] { node };
        foreach (var item in items)
        {
            switch (item)
            {
                case JsonValue v when JsonUtil.IsString(v):
                {
                    var field = v.GetValue<string>();
                    list.Add(new SortSpec { Field = field, Desc = field == "_score" });
                    break;
                }

                case JsonObject o:
                    foreach (var (field, value) in o)
                    {
                        if (field is "_geo_distance" or "_script" or "_shard_doc")
                        {
                            throw EsException.Unsupported($"sort [{field}]");
                        }

                        if (JsonUtil.IsString(value))
                        {
                            list.Add(new SortSpec { Field = field, Desc = ParseOrder(value!.GetValue<string>()) });
                            continue;
                        }

                        var opts = JsonUtil.ExpectObject(value, field);
                        var desc = field == "_score";
                        JsonNode? missing = null;
                        string? unmapped = null, mode = null, format = null;
                        foreach (var (k, x) in opts)
                        {
                            switch (k)
                            {
                                case "order":
                                    desc = ParseOrder(JsonUtil.ScalarText(x));
                                    break;
                                case "missing":
                                    missing = x?.DeepClone();
                                    break;
                                case "unmapped_type":
                                    unmapped = JsonUtil.ScalarText(x);
                                    break;
                                case "mode":
                                    mode = JsonUtil.ScalarText(x);
                                    if (mode is not ("min" or "max" or "avg" or "sum" or "median"))
                                    {
                                        throw EsException.IllegalArgument($"Unknown SortMode [{mode}]");
                                    }

                                    break;
                                case "format":
                                    format = JsonUtil.ScalarText(x);
                                    break;
                                case "nested":
                                case "numeric_type":
                                    throw EsException.Unsupported($"sort option [{k}]");
                                default:
                                    throw EsException.Parsing($"[field_sort] unknown field [{k}]");
                            }
                        }

                        list.Add(new SortSpec { Field = field, Desc = desc, Missing = missing, UnmappedType = unmapped, Mode = mode, Format = format });
                    }

                    break;
                default:
                    throw EsException.Parsing("[sort] expected a field name or an object");
            }
        }

        return list;
    }

    // ------------------------------------------------------------------------------------------
    // Execution.
    // ------------------------------------------------------------------------------------------

    private sealed record Hit(Target Target, int Ordinal, Doc Doc, double Score, SortVal[] Keys);

    private sealed record BoundSort(SortSpec Spec, SortType Type, FieldInfo? Field);

    /// <summary>Runs a query over each target's refreshed documents; a failing index is a shard failure.</summary>
    private (List<Hit> Hits, List<(Target Target, EsException Error)> Failures, BoundSort[] Sorts, bool TerminatedEarly) Collect(
        List<Target> targets, SearchSpec spec, bool collectKeys)
    {
        var now = Now();
        var hits = new List<Hit>();
        var failures = new List<(Target, EsException)>();
        BoundSort[] sorts = [];
        var terminated = false;
        for (var ordinal = 0; ordinal < targets.Count; ordinal++)
        {
            var t = targets[ordinal];
            try
            {
                var ctx = new BindContext(t.Index, now);
                if (collectKeys && spec.From + spec.Size > t.Index.MaxResultWindow)
                {
                    throw EsException.IllegalArgument(
                        $"Result window is too large, from + size must be less than or equal to: [{t.Index.MaxResultWindow}] but was [{spec.From + spec.Size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.");
                }

                var matcher = spec.Query.Bind(ctx);
                var aliasFilter = AliasFilter(t, ctx);
                var post = spec.PostFilter?.Bind(ctx);
                var bound = collectKeys ? BindSorts(spec, ctx) : [];
                sorts = bound.Length > 0 ? bound : sorts;
                var count = 0;
                foreach (var doc in t.Index.Searchable)
                {
                    var score = matcher(doc);
                    if (score is null || (aliasFilter is not null && aliasFilter(doc) is null) ||
                        (post is not null && post(doc) is null) || (spec.MinScore is { } min && score.Value < min))
                    {
                        continue;
                    }

                    hits.Add(new Hit(t, ordinal, doc, score.Value, collectKeys ? bound.Select(b => Key(b, doc, score.Value, ordinal)).ToArray() : []));
                    count++;
                    if (spec.TerminateAfter > 0 && count >= spec.TerminateAfter)
                    {
                        terminated = true;
                        break;
                    }
                }
            }
            catch (EsException e)
            {
                failures.Add((t, e));
            }
        }

        return (hits, failures, sorts, terminated);
    }

    private static Matcher? AliasFilter(Target t, BindContext ctx)
    {
        if (t.Direct || t.ViaAliases.Count == 0)
        {
            return null;
        }

        var filters = new List<Matcher>();
        foreach (var alias in t.ViaAliases)
        {
            if (!t.Index.Aliases.TryGetValue(alias, out var meta) || meta.ParsedFilter is null)
            {
                return null;
            }

            filters.Add(meta.ParsedFilter.Bind(ctx));
        }

        return doc => filters.Any(f => f(doc) is not null) ? 0.0 : null;
    }

    private static BoundSort[] BindSorts(SearchSpec spec, BindContext ctx)
    {
        if (spec.Sort is null || spec.Sort.Count == 0)
        {
            return [];
        }

        return spec.Sort.Select(s =>
        {
            if (s.IsScore)
            {
                return new BoundSort(s, SortType.Score, null);
            }

            if (s.IsDoc)
            {
                return new BoundSort(s, SortType.Doc, null);
            }

            if (s.Field == "_id")
            {
                throw EsException.IllegalArgument(
                    "Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled");
            }

            if (s.Field is "_index" or "_seq_no" or "_version" or "_routing")
            {
                throw EsException.Unsupported($"sorting on [{s.Field}]");
            }

            var f = ctx.Mapping.Fields.GetValueOrDefault(s.Field);
            if (f is null)
            {
                if (s.UnmappedType is null)
                {
                    throw ctx.ShardError($"No mapping found for [{s.Field}] in order to sort on");
                }

                return new BoundSort(s, TypeOf(s.UnmappedType, ctx), null);
            }

            if (f.Kind == FieldKind.Text)
            {
                throw EsException.IllegalArgument(
                    $"Fielddata is disabled on [{f.Path}] in [{ctx.Index.Name}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{f.Path}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.");
            }

            if (!f.DocValues)
            {
                throw EsException.IllegalArgument(
                    $"Can't load fielddata on [{f.Path}] because fielddata is unsupported on fields of type [{f.Type}]. Use doc values instead.");
            }

            if (s.Format is not null && f.Kind != FieldKind.Date)
            {
                throw EsException.IllegalArgument($"Field [{f.Path}] of type [{f.Type}] doesn't support formats.");
            }

            return new BoundSort(s, TypeOf(f.Type, ctx), f);
        }).ToArray();
    }

    private static SortType TypeOf(string type, BindContext ctx) => type switch
    {
        "long" or "date" or "boolean" => SortType.Long,
        "integer" or "short" or "byte" => SortType.Int,
        "double" => SortType.Double,
        "float" or "half_float" => SortType.Float,
        "keyword" => SortType.String,
        _ => throw ctx.ShardError($"Unsupported sort type [{type}]"),
    };

    private static SortVal Key(BoundSort b, Doc doc, double score, int ordinal)
    {
        switch (b.Type)
        {
            case SortType.Score:
                return new SortVal(false, 0, score, null);
            case SortType.Doc:
                return new SortVal(false, ((long)ordinal << 40) + doc.Order, 0, null);
        }

        var values = b.Field is null ? [] : doc.Fields.GetValueOrDefault(b.Field.Path) ?? [];
        var mode = b.Spec.Mode ?? (b.Spec.Desc ? "max" : "min");
        if (values.Count == 0)
        {
            return MissingKey(b);
        }

        if (b.Type == SortType.String)
        {
            var ordered = values.Select(v => v.S!).OrderBy(s => s, StringComparer.Ordinal).ToList();
            return new SortVal(false, 0, 0, mode == "max" ? ordered[^1] : ordered[0]);
        }

        var isLong = b.Type is SortType.Long or SortType.Int;
        var nums = values.Select(v => isLong ? v.L : v.D).ToList();
        double picked = mode switch
        {
            "max" => nums.Max(),
            "sum" => nums.Sum(),
            "avg" => nums.Average(),
            "median" => Median(nums),
            _ => nums.Min(),
        };
        if (isLong)
        {
            var l = mode switch
            {
                "max" => values.Max(v => v.L),
                "min" => values.Min(v => v.L),
                "sum" => values.Sum(v => v.L),
                _ => (long)Math.Round(picked, MidpointRounding.AwayFromZero),
            };
            return new SortVal(false, l, l, null);
        }

        return new SortVal(false, 0, picked, null);
    }

    private static double Median(List<double> nums)
    {
        var s = nums.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    private static SortVal MissingKey(BoundSort b)
    {
        var missing = b.Spec.Missing is null ? "_last" : JsonUtil.ScalarText(b.Spec.Missing);
        var last = missing == "_last";
        if (missing is "_last" or "_first")
        {
            // asc+_last and desc+_first sort missing values as the maximum.
            var max = last != b.Spec.Desc;
            return b.Type switch
            {
                SortType.Long => new SortVal(false, max ? long.MaxValue : long.MinValue, 0, null),
                SortType.Int => new SortVal(false, max ? int.MaxValue : int.MinValue, 0, null),
                SortType.Double or SortType.Float => new SortVal(false, 0, max ? double.PositiveInfinity : double.NegativeInfinity, null),
                _ => new SortVal(true, max ? 1 : -1, 0, null),
            };
        }

        return b.Type switch
        {
            SortType.Long or SortType.Int => new SortVal(false, b.Field is { } f
                ? f.Kind == FieldKind.Date
                    ? (EsDates.TryParse(missing, f.DateFormats, false, out var ms) ? ms : throw EsException.IllegalArgument($"failed to parse date field [{missing}]"))
                    : f.Kind == FieldKind.Boolean ? (missing == "true" ? 1 : 0) : IndexMapping.ParseIntegral(missing, FieldKind.Long, true)
                : IndexMapping.ParseIntegral(missing, FieldKind.Long, true), 0, null),
            SortType.Double or SortType.Float => new SortVal(false, 0, IndexMapping.ParseFloating(missing, FieldKind.Double), null),
            _ => new SortVal(false, 0, 0, missing),
        };
    }

    private static int CompareKeys(BoundSort[] sorts, SortVal[] a, SortVal[] b)
    {
        for (var i = 0; i < sorts.Length; i++)
        {
            var c = CompareOne(sorts[i], a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static int CompareOne(BoundSort s, SortVal a, SortVal b)
    {
        int c;
        switch (s.Type)
        {
            case SortType.Long:
            case SortType.Int:
            case SortType.Doc:
                c = a.L.CompareTo(b.L);
                break;
            case SortType.String:
                if (a.IsNull || b.IsNull)
                {
                    // Missing strings: L holds +1 (sorts as maximum) or -1 (minimum) in ascending terms.
                    var ra = a.IsNull ? a.L : 0;
                    var rb = b.IsNull ? b.L : 0;
                    c = ra.CompareTo(rb);
                }
                else
                {
                    c = string.CompareOrdinal(a.S, b.S);
                }

                break;
            default:
                c = a.D.CompareTo(b.D);
                break;
        }

        return s.Spec.Desc ? -c : c;
    }

    private static SortVal AfterKey(BoundSort b, JsonNode? value)
    {
        var text = JsonUtil.ScalarText(value);
        switch (b.Type)
        {
            case SortType.String:
                return value is null ? new SortVal(true, b.Spec.Desc ? -1 : 1, 0, null) : new SortVal(false, 0, 0, text);
            case SortType.Long:
            case SortType.Int:
            case SortType.Doc:
                if (JsonUtil.TryLong(text, out var l))
                {
                    return new SortVal(false, l, l, null);
                }

                if (b.Field is { Kind: FieldKind.Date } f && EsDates.TryParse(text, f.DateFormats, false, out var ms))
                {
                    return new SortVal(false, ms, ms, null);
                }

                throw EsException.IllegalArgument($"Failed to parse search_after value for field [{b.Spec.Field}].");
            default:
                return text switch
                {
                    "Infinity" => new SortVal(false, 0, double.PositiveInfinity, null),
                    "-Infinity" => new SortVal(false, 0, double.NegativeInfinity, null),
                    _ when JsonUtil.TryDouble(text, out var d) => new SortVal(false, 0, b.Type == SortType.Float ? (float)d : d, null),
                    _ => throw EsException.IllegalArgument($"Failed to parse search_after value for field [{b.Spec.Field}]."),
                };
        }
    }

    private static JsonNode? SortValueJson(BoundSort b, SortVal v)
    {
        switch (b.Type)
        {
            case SortType.String:
                return v.IsNull ? null : JsonValue.Create(v.S);
            case SortType.Int:
                return JsonValue.Create((int)v.L);
            case SortType.Doc:
                return JsonValue.Create((int)(v.L & 0xFF_FFFF_FFFF));
            case SortType.Long:
                if (b.Spec.Format is { } format && b.Field is { Kind: FieldKind.Date } &&
                    v.L != long.MaxValue && v.L != long.MinValue)
                {
                    return JsonValue.Create(format.Contains("date_optional_time", StringComparison.Ordinal) || format == "strict_date_time" || format == "date_time"
                        ? EsDates.ToIso(v.L)
                        : EsDates.Format(v.L, format));
                }

                return JsonValue.Create(v.L);
            case SortType.Float:
            case SortType.Score:
            {
                var f = (float)v.D;
                return float.IsFinite(f) ? JsonValue.Create(f) : JsonValue.Create(float.IsPositiveInfinity(f) ? "Infinity" : "-Infinity");
            }

            default:
                return JsonUtil.DoubleNode(v.D);
        }
    }

    public JsonObject Search(List<Target> targets, SearchSpec spec)
    {
        var started = Stopwatch.GetTimestamp();
        var (hits, failures, sorts, terminated) = Collect(targets, spec, collectKeys: true);
        var totalShards = targets.Sum(t => t.Index.NumberOfShards);
        if (failures.Count > 0 && (failures.Count == targets.Count || !spec.AllowPartialSearchResults))
        {
            throw AllShardsFailed(failures, failures.Count == targets.Count ? "all shards failed" : "Partial shards failure");
        }

        if (spec.SearchAfter is not null && sorts.Length == 0 && (spec.Sort is null || spec.Sort.Count == 0))
        {
            throw AllShardsFailed(targets.Select(t => (t, EsException.IllegalArgument("Sort must contain at least one field."))).ToList());
        }

        var sortByScore = sorts.Length == 0 || sorts.Any(s => s.Type == SortType.Score);
        var scoring = sortByScore || spec.TrackScores;
        if (sorts.Length == 0)
        {
            hits.Sort((a, b) =>
            {
                var c = b.Score.CompareTo(a.Score);
                return c != 0 ? c : TieBreak(a, b);
            });
        }
        else
        {
            hits.Sort((a, b) =>
            {
                var c = CompareKeys(sorts, a.Keys, b.Keys);
                return c != 0 ? c : TieBreak(a, b);
            });
        }

        var total = hits.Count;
        if (spec.SearchAfter is not null)
        {
            if (spec.SearchAfter.Count != sorts.Length)
            {
                throw AllShardsFailed(targets.Select(t => (t, EsException.IllegalArgument(
                    $"search_after has {spec.SearchAfter.Count} value(s) but sort has {sorts.Length}."))).ToList());
            }

            var after = sorts.Select((s, i) => AfterKey(s, spec.SearchAfter[i])).ToArray();
            hits = hits.Where(h => CompareKeys(sorts, h.Keys, after) > 0).ToList();
        }

        var page = hits.Skip(spec.From).Take(spec.Size).ToList();
        var hitsJson = new JsonArray();
        foreach (var h in page)
        {
            var o = new JsonObject { ["_index"] = h.Target.Index.Name, ["_id"] = h.Doc.Id };
            if (spec.Version)
            {
                o["_version"] = h.Doc.Version;
            }

            if (spec.SeqNoPrimaryTerm)
            {
                o["_seq_no"] = h.Doc.SeqNo;
                o["_primary_term"] = h.Doc.PrimaryTerm;
            }

            o["_score"] = scoring ? JsonValue.Create((float)h.Score) : null;
            if (h.Doc.Routing is not null)
            {
                o["_routing"] = h.Doc.Routing;
            }

            if (spec.Source.Apply(h.Doc.Source) is { } source)
            {
                o["_source"] = source;
            }

            if (sorts.Length > 0)
            {
                o["sort"] = JsonUtil.Arr(sorts.Select((s, i) => SortValueJson(s, h.Keys[i])));
            }

            hitsJson.Add(o);
        }

        var hitsObj = new JsonObject();
        if (spec.TrackTotalHits != -1)
        {
            var (value, relation) = total <= spec.TrackTotalHits ? (total, "eq") : (spec.TrackTotalHits, "gte");
            hitsObj["total"] = spec.RestTotalHitsAsInt ? JsonValue.Create(value) : new JsonObject { ["value"] = value, ["relation"] = relation };
        }
        else if (spec.RestTotalHitsAsInt)
        {
            hitsObj["total"] = -1;
        }

        hitsObj["max_score"] = scoring && hits.Count > 0 && spec.Size > 0 ? JsonValue.Create((float)hits.Max(h => h.Score)) : null;
        hitsObj["hits"] = hitsJson;

        var body = new JsonObject
        {
            ["took"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            ["timed_out"] = false,
        };
        if (spec.TerminateAfter > 0)
        {
            body["terminated_early"] = terminated;
        }

        body["_shards"] = SearchShards(totalShards, failures);
        body["hits"] = hitsObj;
        return body;
    }

    private static int TieBreak(Hit a, Hit b)
    {
        var c = a.Ordinal.CompareTo(b.Ordinal);
        return c != 0 ? c : a.Doc.Order.CompareTo(b.Doc.Order);
    }

    public JsonObject Count(List<Target> targets, SearchSpec spec)
    {
        var (hits, failures, _, terminated) = Collect(targets, spec, collectKeys: false);
        if (failures.Count > 0 && failures.Count == targets.Count)
        {
            throw AllShardsFailed(failures);
        }

        var body = new JsonObject { ["count"] = hits.Count };
        if (spec.TerminateAfter > 0)
        {
            body["terminated_early"] = terminated;
        }

        body["_shards"] = SearchShards(targets.Sum(t => t.Index.NumberOfShards), failures);
        return body;
    }

    private static JsonObject SearchShards(int total, List<(Target Target, EsException Error)> failures)
    {
        var failedShards = failures.Sum(f => f.Target.Index.NumberOfShards);
        var shards = new JsonObject
        {
            ["total"] = total,
            ["successful"] = total - failedShards,
            ["skipped"] = 0,
            ["failed"] = failedShards,
        };
        if (failures.Count > 0)
        {
            shards["failures"] = JsonUtil.Arr(failures.Select(f => (JsonNode?)ShardFailure(f.Target, f.Error)));
        }

        return shards;
    }

    private static JsonObject ShardFailure(Target t, EsException e)
    {
        var reason = e.ToErrorObject(false);
        if (!reason.ContainsKey("index"))
        {
            reason["index_uuid"] = t.Index.Uuid;
            reason["index"] = t.Index.Name;
        }

        return new JsonObject { ["shard"] = 0, ["index"] = t.Index.Name, ["node"] = NodeId, ["reason"] = reason };
    }

    private static EsException AllShardsFailed(List<(Target Target, EsException Error)> failures, string reason = "all shards failed")
    {
        var roots = failures.GroupBy(f => f.Error.Reason).Select(g => g.First().Error).ToList();
        return new EsException(failures[0].Error.Status, "search_phase_execution_exception", reason, roots[0])
        {
            RootCauses = roots,
            Extra = new JsonObject
            {
                ["phase"] = "query",
                ["grouped"] = true,
                ["failed_shards"] = JsonUtil.Arr(failures.Select(f => (JsonNode?)ShardFailure(f.Target, f.Error))),
            },
        };
    }

    /// <summary>Count API body: only <c>query</c> is allowed.</summary>
    public static SearchSpec ParseCount(EsRequest request, JsonNode? body)
    {
        var spec = new SearchSpec { Size = 0 };
        if (body is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                if (k != "query")
                {
                    throw EsException.Parsing($"request does not support [{k}]");
                }

                spec.Query = Query.Parse(v);
            }
        }
        else if (body is not null)
        {
            throw EsException.Parsing("request body must be an object");
        }

        if (request.Param("terminate_after") is not null)
        {
            spec.TerminateAfter = request.Int("terminate_after", 0);
        }

        if (request.Param("min_score") is { } minScore)
        {
            spec.MinScore = JsonUtil.TryDouble(minScore, out var m) ? m : throw EsException.IllegalArgument($"Failed to parse [min_score] [{minScore}]");
        }

        if (spec.TerminateAfter < 0)
        {
            throw EsException.IllegalArgument("terminateAfter must be > 0");
        }

        return spec;
    }
}
