using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>Per-index context for turning a parsed query into a matcher.</summary>
internal sealed class BindContext(EsIndex index, long nowMillis)
{
    public EsIndex Index { get; } = index;

    public IndexMapping Mapping { get; } = index.Mapping;

    public long NowMillis { get; } = nowMillis;

    /// <summary>A shard-level query failure (query_shard_exception), as Elasticsearch reports it.</summary>
    public EsException ShardError(EsException cause)
    {
        var e = new EsException(400, "query_shard_exception", "failed to create query: " + cause.Reason, cause);
        e.Metadata["index_uuid"] = Index.Uuid;
        e.Metadata["index"] = Index.Name;
        return e;
    }

    public EsException ShardError(string reason)
    {
        var e = new EsException(400, "query_shard_exception", reason);
        e.Metadata["index_uuid"] = Index.Uuid;
        e.Metadata["index"] = Index.Name;
        return e;
    }
}

/// <summary>Matches a document: null when it does not match, else its score.</summary>
internal delegate double? Matcher(Doc doc);

/// <summary>
/// The query DSL subset: match_all, match_none, term, terms, range, bool, ids, exists, match, prefix, wildcard,
/// constant_score. Anything else is a 400. Scores are simplified (not BM25): each matching scoring clause
/// contributes its boost (match: boost × matched terms); filter context scores 0.
/// </summary>
internal abstract class Query
{
    public double Boost { get; init; } = 1.0;

    public abstract Matcher Bind(BindContext ctx);

    private static readonly HashSet<string> KnownUnsupported = new(StringComparer.Ordinal)
    {
        "match_phrase", "match_phrase_prefix", "match_bool_prefix", "multi_match", "query_string", "simple_query_string",
        "nested", "has_child", "has_parent", "parent_id", "function_score", "script_score", "script", "geo_distance",
        "geo_bounding_box", "geo_shape", "geo_polygon", "geo_grid", "shape", "more_like_this", "fuzzy", "regexp",
        "terms_set", "dis_max", "boosting", "knn", "sparse_vector", "semantic", "rank_feature", "distance_feature",
        "pinned", "rule", "intervals", "span_term", "span_near", "span_or", "span_not", "span_first", "span_containing",
        "span_within", "span_multi", "span_field_masking", "percolate", "wrapper", "combined_fields", "text_expansion",
        "weighted_tokens", "type",
    };

    /// <summary>Parses a query object; syntax errors are 400 parsing_exception.</summary>
    public static Query Parse(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            throw EsException.Parsing($"[_na] query malformed, must start with start_object");
        }

        if (o.Count == 0)
        {
            throw EsException.Parsing("query malformed, empty clause found");
        }

        var (name, body) = o.First();
        if (o.Count > 1)
        {
            throw EsException.Parsing($"[{name}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]");
        }

        return name switch
        {
            "match_all" => new MatchAllQuery { Boost = CommonBoost(Obj(name, body), name, []) },
            "match_none" => new MatchNoneQuery { Boost = CommonBoost(Obj(name, body), name, []) },
            "term" => TermQuery.ParseTerm(Obj(name, body)),
            "terms" => TermsQuery.ParseTerms(Obj(name, body)),
            "range" => RangeQuery.ParseRange(Obj(name, body)),
            "bool" => BoolQuery.ParseBool(Obj(name, body)),
            "ids" => IdsQuery.ParseIds(Obj(name, body)),
            "exists" => ExistsQuery.ParseExists(Obj(name, body)),
            "match" => MatchQuery.ParseMatch(Obj(name, body)),
            "prefix" => PatternQuery.ParsePattern(Obj(name, body), "prefix"),
            "wildcard" => PatternQuery.ParsePattern(Obj(name, body), "wildcard"),
            "constant_score" => ConstantScoreQuery.ParseConstantScore(Obj(name, body)),
            _ when KnownUnsupported.Contains(name) => throw EsException.Unsupported($"query [{name}]"),
            _ => throw new EsException(400, "parsing_exception", $"unknown query [{name}]",
                new EsException(400, "named_object_not_found_exception", $"[1:2] unknown field [{name}]")),
        };
    }

    protected static JsonObject Obj(string query, JsonNode? body) =>
        body as JsonObject ?? throw EsException.Parsing($"[{query}] query malformed, no start_object after query name");

    /// <summary>Reads boost/_name and rejects any other key not in <paramref name="allowed"/>.</summary>
    protected static double CommonBoost(JsonObject o, string query, IReadOnlyCollection<string> allowed)
    {
        var boost = 1.0;
        foreach (var (k, v) in o)
        {
            if (k == "boost")
            {
                boost = ToDouble(v, query);
            }
            else if (k != "_name" && !allowed.Contains(k))
            {
                throw EsException.Parsing($"[{query}] query does not support [{k}]");
            }
        }

        return boost;
    }

    protected static double ToDouble(JsonNode? v, string query)
    {
        if (JsonUtil.TryDouble(JsonUtil.ScalarText(v), out var d))
        {
            return d;
        }

        throw EsException.Parsing($"[{query}] failed to parse boost [{JsonUtil.ScalarText(v)}]");
    }

    /// <summary>Splits <c>{ field: value-or-options }</c> for single-field queries.</summary>
    protected static (string Field, JsonNode? Value, double Boost) SingleField(JsonObject o, string query)
    {
        string? field = null;
        JsonNode? value = null;
        var boost = 1.0;
        foreach (var (k, v) in o)
        {
            if (k == "boost")
            {
                boost = ToDouble(v, query);
                continue;
            }

            if (k == "_name")
            {
                continue;
            }

            if (field is not null)
            {
                throw EsException.Parsing($"[{query}] query doesn't support multiple fields, found [{field}] and [{k}]");
            }

            field = k;
            value = v;
        }

        if (field is null)
        {
            throw EsException.IllegalArgument($"[{query}] query requires a field name");
        }

        return (field, value, boost);
    }

    // ------------------------------------------------------------------------------------------
    // Field access shared by the leaf queries.
    // ------------------------------------------------------------------------------------------

    protected static FieldInfo? Resolve(BindContext ctx, string field) => ctx.Mapping.Fields.GetValueOrDefault(field);

    protected static void EnsureSearchable(BindContext ctx, FieldInfo f)
    {
        if (f.Kind == FieldKind.Binary)
        {
            throw ctx.ShardError(EsException.IllegalArgument($"Field [{f.Path}] of type [binary] is not searchable"));
        }

        if (!f.Indexed && (!f.DocValues || f.Kind == FieldKind.Text))
        {
            throw ctx.ShardError(EsException.IllegalArgument(
                $"Cannot search on field [{f.Path}] since it is not indexed nor has doc values."));
        }
    }

    protected static IReadOnlyList<FieldValue> ValuesOf(Doc doc, string path) =>
        doc.Fields.TryGetValue(path, out var v) ? v : [];

    /// <summary>Converts a query value to the field's indexed representation; null when it cannot match.</summary>
    protected static FieldValue? TermValue(BindContext ctx, FieldInfo f, JsonNode? value, bool caseInsensitive = false)
    {
        var text = JsonUtil.ScalarText(value);
        if (value is JsonObject or JsonArray)
        {
            throw EsException.Parsing($"[term] query does not support array or object values for field [{f.Path}]");
        }

        try
        {
            switch (f.Kind)
            {
                case FieldKind.Text:
                case FieldKind.Keyword:
                    return new FieldValue(caseInsensitive ? text.ToLowerInvariant() : text, 0, 0);
                case FieldKind.Boolean:
                    return text switch
                    {
                        "true" => new FieldValue(null, 1, 0),
                        "false" or "" => new FieldValue(null, 0, 0),
                        _ => throw EsException.IllegalArgument($"Can't parse boolean value [{text}], expected [true] or [false]"),
                    };
                case FieldKind.Date:
                    throw new InvalidOperationException("dates are handled as ranges");
                default:
                    if (f.IsIntegral)
                    {
                        if (!JsonUtil.TryDecimal(text, out var d) && !JsonUtil.TryDouble(text, out _))
                        {
                            throw new EsException(400, "number_format_exception", $"For input string: \"{text}\"");
                        }

                        if (JsonUtil.TryDecimal(text, out d) && d != decimal.Truncate(d))
                        {
                            return null; // "Value has a decimal part": matches nothing.
                        }

                        try
                        {
                            return new FieldValue(null, IndexMapping.ParseIntegral(text, f.Kind, coerce: true), 0);
                        }
                        catch (EsException e) when (e.Reason.Contains("out of range", StringComparison.Ordinal))
                        {
                            return null;
                        }
                    }

                    if (!JsonUtil.TryDouble(text, out var dbl))
                    {
                        throw new EsException(400, "number_format_exception", $"For input string: \"{text}\"");
                    }

                    return new FieldValue(null, 0, IndexMapping.ReducePrecision(dbl, f.Kind));
            }
        }
        catch (EsException e) when (e.Type != "query_shard_exception")
        {
            throw ctx.ShardError(e);
        }
    }

    protected static bool ValueEquals(FieldInfo f, FieldValue a, FieldValue b, bool caseInsensitive = false)
    {
        if (f.Kind is FieldKind.Text or FieldKind.Keyword)
        {
            return caseInsensitive
                ? string.Equals(a.S, b.S, StringComparison.OrdinalIgnoreCase)
                : string.Equals(a.S, b.S, StringComparison.Ordinal);
        }

        return f.IsFloating ? a.D.Equals(b.D) : a.L == b.L;
    }

    protected static Matcher Score(Func<Doc, bool> predicate, double boost) => doc => predicate(doc) ? boost : null;
}

internal sealed class MatchAllQuery : Query
{
    public override Matcher Bind(BindContext ctx)
    {
        var boost = Boost;
        return _ => boost;
    }
}

internal sealed class MatchNoneQuery : Query
{
    public override Matcher Bind(BindContext ctx) => _ => null;
}

internal sealed class TermQuery : Query
{
    public required string Field { get; init; }

    public required JsonNode? Value { get; init; }

    public bool CaseInsensitive { get; init; }

    public static Query ParseTerm(JsonObject o)
    {
        var (field, value, outerBoost) = SingleField(o, "term");
        if (value is JsonObject opts)
        {
            JsonNode? v = null;
            var boost = outerBoost;
            var ci = false;
            foreach (var (k, x) in opts)
            {
                switch (k)
                {
                    case "value":
                        v = x;
                        break;
                    case "boost":
                        boost = ToDouble(x, "term");
                        break;
                    case "case_insensitive":
                        ci = JsonUtil.ToBool(x, "case_insensitive");
                        break;
                    case "_name":
                        break;
                    default:
                        throw EsException.Parsing($"[term] query does not support [{k}]");
                }
            }

            if (v is null)
            {
                throw EsException.IllegalArgument("value cannot be null");
            }

            return new TermQuery { Field = field, Value = v.DeepClone(), Boost = boost, CaseInsensitive = ci };
        }

        if (value is JsonArray)
        {
            throw EsException.Parsing("[term] query does not support array of values");
        }

        if (value is null)
        {
            throw EsException.IllegalArgument("value cannot be null");
        }

        return new TermQuery { Field = field, Value = value.DeepClone(), Boost = outerBoost };
    }

    public override Matcher Bind(BindContext ctx) => TermsQuery.BindValues(ctx, Field, [Value], Boost, CaseInsensitive);
}

internal sealed class TermsQuery : Query
{
    public required string Field { get; init; }

    public required IReadOnlyList<JsonNode?> Values { get; init; }

    public static Query ParseTerms(JsonObject o)
    {
        string? field = null;
        JsonArray? values = null;
        var boost = 1.0;
        foreach (var (k, v) in o)
        {
            if (k == "boost")
            {
                boost = ToDouble(v, "terms");
            }
            else if (k != "_name")
            {
                if (field is not null)
                {
                    throw EsException.Parsing($"[terms] query does not support multiple fields");
                }

                field = k;
                if (v is JsonObject)
                {
                    throw EsException.Unsupported("terms lookup");
                }

                values = v as JsonArray ?? throw EsException.Parsing($"[terms] query does not support [{k}]");
            }
        }

        if (field is null || values is null)
        {
            throw EsException.Parsing("[terms] query requires a field name, followed by array of terms or a document lookup specification");
        }

        return new TermsQuery { Field = field, Values = values.Select(v => v?.DeepClone()).ToList(), Boost = boost };
    }

    public override Matcher Bind(BindContext ctx) => BindValues(ctx, Field, Values, Boost, false);

    public static Matcher BindValues(BindContext ctx, string field, IReadOnlyList<JsonNode?> values, double boost, bool caseInsensitive)
    {
        if (field == "_id")
        {
            var ids = values.Select(JsonUtil.ScalarText).ToHashSet(caseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
            return Score(doc => ids.Contains(doc.Id), boost);
        }

        if (field == "_index")
        {
            var names = values.Select(JsonUtil.ScalarText).ToList();
            var match = names.Any(n => IndexNames.SimpleMatch(n, ctx.Index.Name));
            return Score(_ => match, boost);
        }

        if (field.StartsWith('_') && field is "_routing" or "_source" or "_seq_no" or "_version" or "_ignored" or "_field_names")
        {
            throw EsException.Unsupported($"term queries on metadata field [{field}]");
        }

        var f = Resolve(ctx, field);
        if (f is null)
        {
            return _ => null;
        }

        EnsureSearchable(ctx, f);
        if (f.Kind == FieldKind.Date)
        {
            var ranges = values.Select(v => RangeQuery.DateBounds(ctx, f, v, true, v, true, null)).ToList();
            return Score(doc => ValuesOf(doc, f.Path).Any(x => ranges.Any(r => x.L >= r.Lo && x.L <= r.Hi)), boost);
        }

        var terms = values.Select(v => TermValue(ctx, f, v, caseInsensitive)).Where(v => v is not null).Select(v => v!.Value).ToList();
        return Score(doc => ValuesOf(doc, f.Path).Any(x => terms.Any(t => ValueEquals(f, x, t, caseInsensitive))), boost);
    }
}

internal sealed class RangeQuery : Query
{
    public required string Field { get; init; }

    public JsonNode? Gt { get; init; }

    public JsonNode? Gte { get; init; }

    public JsonNode? Lt { get; init; }

    public JsonNode? Lte { get; init; }

    public string? Format { get; init; }

    public static Query ParseRange(JsonObject o)
    {
        var (field, value, outerBoost) = SingleField(o, "range");
        var opts = value as JsonObject ?? throw EsException.Parsing($"[range] query malformed, no start_object after query name");
        JsonNode? gt = null, gte = null, lt = null, lte = null;
        JsonNode? from = null, to = null;
        bool includeLower = true, includeUpper = true;
        string? format = null;
        var boost = outerBoost;
        foreach (var (k, v) in opts)
        {
            switch (k)
            {
                case "gt":
                    gt = v;
                    break;
                case "gte":
                    gte = v;
                    break;
                case "lt":
                    lt = v;
                    break;
                case "lte":
                    lte = v;
                    break;
                case "from":
                    from = v;
                    break;
                case "to":
                    to = v;
                    break;
                case "include_lower":
                    includeLower = JsonUtil.ToBool(v, k);
                    break;
                case "include_upper":
                    includeUpper = JsonUtil.ToBool(v, k);
                    break;
                case "format":
                    format = JsonUtil.ScalarText(v);
                    break;
                case "boost":
                    boost = ToDouble(v, "range");
                    break;
                case "relation":
                    var rel = JsonUtil.ScalarText(v).ToLowerInvariant();
                    if (rel is not ("intersects" or "within" or "contains"))
                    {
                        throw EsException.Parsing($"[range] query does not support relation [{rel}]");
                    }

                    break;
                case "time_zone":
                    var tz = JsonUtil.ScalarText(v);
                    if (tz is not ("UTC" or "Z" or "+00:00" or "Etc/UTC"))
                    {
                        throw EsException.Unsupported("range query [time_zone] other than UTC");
                    }

                    break;
                case "_name":
                    break;
                default:
                    throw EsException.Parsing($"[range] query does not support [{k}]");
            }
        }

        if (from is not null)
        {
            if (includeLower)
            {
                gte ??= from;
            }
            else
            {
                gt ??= from;
            }
        }

        if (to is not null)
        {
            if (includeUpper)
            {
                lte ??= to;
            }
            else
            {
                lt ??= to;
            }
        }

        return new RangeQuery
        {
            Field = field,
            Gt = Null(gt),
            Gte = Null(gte),
            Lt = Null(lt),
            Lte = Null(lte),
            Format = format,
            Boost = boost,
        };
    }

    private static JsonNode? Null(JsonNode? n) => JsonUtil.Kind(n) == JsonValueKind.Null ? null : n!.DeepClone();

    public override Matcher Bind(BindContext ctx)
    {
        var boost = Boost;
        var lower = Gt ?? Gte;
        var upper = Lt ?? Lte;
        var includeLower = Gt is null;
        var includeUpper = Lt is null;
        if (Field == "_id" || Field == "_index")
        {
            var lo = lower is null ? null : JsonUtil.ScalarText(lower);
            var hi = upper is null ? null : JsonUtil.ScalarText(upper);
            return Score(doc =>
            {
                var v = Field == "_id" ? doc.Id : ctx.Index.Name;
                return InRange(v, lo, includeLower, hi, includeUpper);
            }, boost);
        }

        var f = Resolve(ctx, Field);
        if (f is null)
        {
            return _ => null;
        }

        EnsureSearchable(ctx, f);
        try
        {
            switch (f.Kind)
            {
                case FieldKind.Date:
                {
                    var (lo, hi) = DateBounds(ctx, f, lower, includeLower, upper, includeUpper, Format);
                    return Score(doc => ValuesOf(doc, f.Path).Any(x => x.L >= lo && x.L <= hi), boost);
                }

                case FieldKind.Text:
                case FieldKind.Keyword:
                {
                    var lo = lower is null ? null : JsonUtil.ScalarText(lower);
                    var hi = upper is null ? null : JsonUtil.ScalarText(upper);
                    return Score(doc => ValuesOf(doc, f.Path).Any(x => InRange(x.S!, lo, includeLower, hi, includeUpper)), boost);
                }

                case FieldKind.Boolean:
                {
                    long lo = lower is null ? 0 : BoolBound(lower) + (includeLower ? 0 : 1);
                    long hi = upper is null ? 1 : BoolBound(upper) - (includeUpper ? 0 : 1);
                    return Score(doc => ValuesOf(doc, f.Path).Any(x => x.L >= lo && x.L <= hi), boost);
                }

                default:
                    if (f.IsIntegral)
                    {
                        var (lo, hi) = LongBounds(f, lower, includeLower, upper, includeUpper);
                        return Score(doc => ValuesOf(doc, f.Path).Any(x => x.L >= lo && x.L <= hi), boost);
                    }
                    else
                    {
                        var (lo, hi) = FloatingBounds(f, lower, includeLower, upper, includeUpper);
                        return Score(doc => ValuesOf(doc, f.Path).Any(x => x.D >= lo && x.D <= hi), boost);
                    }
            }
        }
        catch (EsException e) when (e.Type != "query_shard_exception")
        {
            throw ctx.ShardError(e);
        }
    }

    private static long BoolBound(JsonNode n) => JsonUtil.ScalarText(n) switch
    {
        "true" => 1,
        "false" => 0,
        var t => throw EsException.IllegalArgument($"Can't parse boolean value [{t}], expected [true] or [false]"),
    };

    private static bool InRange(string v, string? lo, bool incLo, string? hi, bool incHi)
    {
        if (lo is not null)
        {
            var c = string.CompareOrdinal(v, lo);
            if (c < 0 || (c == 0 && !incLo))
            {
                return false;
            }
        }

        if (hi is not null)
        {
            var c = string.CompareOrdinal(v, hi);
            if (c > 0 || (c == 0 && !incHi))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>NumberFieldMapper.longRangeQuery: decimal bounds round inward; out-of-range bounds are errors.</summary>
    private static (long Lo, long Hi) LongBounds(FieldInfo f, JsonNode? lower, bool incLo, JsonNode? upper, bool incHi)
    {
        long lo = long.MinValue, hi = long.MaxValue;
        if (lower is not null)
        {
            var text = JsonUtil.ScalarText(lower);
            var (value, hasDecimal, sign) = ParseBound(text, f);
            lo = value;
            if ((!hasDecimal && !incLo) || (hasDecimal && sign > 0))
            {
                if (lo == long.MaxValue)
                {
                    return (1, 0);
                }

                lo++;
            }
        }

        if (upper is not null)
        {
            var text = JsonUtil.ScalarText(upper);
            var (value, hasDecimal, sign) = ParseBound(text, f);
            hi = value;
            if ((!hasDecimal && !incHi) || (hasDecimal && sign < 0))
            {
                if (hi == long.MinValue)
                {
                    return (1, 0);
                }

                hi--;
            }
        }

        return (lo, hi);
    }

    private static (long Value, bool HasDecimal, int Sign) ParseBound(string text, FieldInfo f)
    {
        if (JsonUtil.TryLong(text, out var l))
        {
            return (IndexMapping.ParseIntegral(text, f.Kind, true), false, Math.Sign(l));
        }

        if (JsonUtil.TryDecimal(text, out var d))
        {
            var truncated = IndexMapping.ParseIntegral(text, f.Kind, true);
            return (truncated, d != decimal.Truncate(d), Math.Sign(d));
        }

        // Too large for a decimal: out of range for any integral type.
        return (IndexMapping.ParseIntegral(text, f.Kind, true), false, 0);
    }

    /// <summary>
    /// Float/half_float/double bounds: parsed into the field's precision (out-of-bounds values become
    /// infinities, as Elasticsearch 8.14+ does), exclusive bounds move to the next representable value.
    /// </summary>
    private static (double Lo, double Hi) FloatingBounds(FieldInfo f, JsonNode? lower, bool incLo, JsonNode? upper, bool incHi)
    {
        double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        if (lower is not null)
        {
            var v = ParseDouble(JsonUtil.ScalarText(lower));
            lo = f.Kind switch
            {
                FieldKind.Float => incLo ? (float)v : MathF.BitIncrement((float)v),
                FieldKind.HalfFloat => HalfNextUp(incLo ? HalfNextDown((float)v) : (float)v),
                _ => incLo ? v : Math.BitIncrement(v),
            };
        }

        if (upper is not null)
        {
            var v = ParseDouble(JsonUtil.ScalarText(upper));
            hi = f.Kind switch
            {
                FieldKind.Float => incHi ? (float)v : MathF.BitDecrement((float)v),
                FieldKind.HalfFloat => HalfNextDown(incHi ? HalfNextUp((float)v) : (float)v),
                _ => incHi ? v : Math.BitDecrement(v),
            };
        }

        return (lo, hi);
    }

    private static double ParseDouble(string text) =>
        JsonUtil.TryDouble(text, out var d) ? d : throw new EsException(400, "number_format_exception", $"For input string: \"{text}\"");

    /// <summary>The smallest half-float value strictly greater than <paramref name="f"/> (HalfFloatPoint.nextUp).</summary>
    private static float HalfNextUp(float f)
    {
        if (float.IsPositiveInfinity(f))
        {
            return f;
        }

        var h = (Half)f;
        var hf = (float)h;
        return hf > f ? hf : (float)Half.BitIncrement(h);
    }

    /// <summary>The largest half-float value strictly less than <paramref name="f"/> (HalfFloatPoint.nextDown).</summary>
    private static float HalfNextDown(float f)
    {
        if (float.IsNegativeInfinity(f))
        {
            return f;
        }

        var h = (Half)f;
        var hf = (float)h;
        return hf < f ? hf : (float)Half.BitDecrement(h);
    }

    public static (long Lo, long Hi) DateBounds(BindContext ctx, FieldInfo f, JsonNode? lower, bool incLo, JsonNode? upper, bool incHi, string? format)
    {
        var formats = format is null ? f.DateFormats : EsDates.SplitFormats(format);
        long lo = long.MinValue, hi = long.MaxValue;
        if (lower is not null)
        {
            // gte rounds down, gt rounds up (and excludes).
            lo = ResolveDate(ctx, lower, formats, roundUp: !incLo);
            if (!incLo)
            {
                lo = lo == long.MaxValue ? lo : lo + 1;
            }
        }

        if (upper is not null)
        {
            // lte rounds up, lt rounds down (and excludes).
            hi = ResolveDate(ctx, upper, formats, roundUp: incHi);
            if (!incHi)
            {
                hi = hi == long.MinValue ? hi : hi - 1;
            }
        }

        return (lo, hi);
    }

    private static long ResolveDate(BindContext ctx, JsonNode value, IReadOnlyList<string> formats, bool roundUp)
    {
        var text = JsonUtil.ScalarText(value);
        if (JsonUtil.IsNumber(value) && JsonUtil.TryLong(text, out var epoch))
        {
            return epoch;
        }

        if (EsDates.TryResolve(text, formats, roundUp, ctx.NowMillis, out var millis))
        {
            return millis;
        }

        throw ctx.ShardError(new EsException(400, "parse_exception",
            $"failed to parse date field [{text}] with format [{string.Join("||", formats)}]"));
    }
}

internal sealed class BoolQuery : Query
{
    public IReadOnlyList<Query> Must { get; init; } = [];

    public IReadOnlyList<Query> Filter { get; init; } = [];

    public IReadOnlyList<Query> Should { get; init; } = [];

    public IReadOnlyList<Query> MustNot { get; init; } = [];

    public string? MinimumShouldMatch { get; init; }

    public static Query ParseBool(JsonObject o)
    {
        var must = new List<Query>();
        var filter = new List<Query>();
        var should = new List<Query>();
        var mustNot = new List<Query>();
        string? msm = null;
        var boost = 1.0;
        foreach (var (k, v) in o)
        {
            List<Query>? target = k switch
            {
                "must" => must,
                "filter" => filter,
                "should" => should,
                "must_not" or "mustNot" => mustNot,
                _ => null,
            };
            if (target is not null)
            {
                if (v is JsonArray arr)
                {
                    foreach (var item in arr)
                    {
                        target.Add(Parse(item));
                    }
                }
                else
                {
                    target.Add(Parse(v));
                }

                continue;
            }

            switch (k)
            {
                case "minimum_should_match":
                    msm = JsonUtil.ScalarText(v);
                    break;
                case "boost":
                    boost = ToDouble(v, "bool");
                    break;
                case "adjust_pure_negative":
                case "_name":
                    break;
                default:
                    throw EsException.Parsing($"[bool] query does not support [{k}]");
            }
        }

        return new BoolQuery { Must = must, Filter = filter, Should = should, MustNot = mustNot, MinimumShouldMatch = msm, Boost = boost };
    }

    public override Matcher Bind(BindContext ctx)
    {
        var must = Must.Select(q => q.Bind(ctx)).ToArray();
        var filter = Filter.Select(q => q.Bind(ctx)).ToArray();
        var should = Should.Select(q => q.Bind(ctx)).ToArray();
        var mustNot = MustNot.Select(q => q.Bind(ctx)).ToArray();
        var required = MinimumShouldMatch is null
            ? (must.Length + filter.Length == 0 && should.Length > 0 ? 1 : 0)
            : MinimumShould(MinimumShouldMatch, should.Length);
        var boost = Boost;
        var empty = must.Length + filter.Length + should.Length + mustNot.Length == 0;
        var scoring = must.Length + should.Length > 0;
        return doc =>
        {
            if (empty)
            {
                return boost;
            }

            double score = 0;
            foreach (var m in must)
            {
                var s = m(doc);
                if (s is null)
                {
                    return null;
                }

                score += s.Value;
            }

            foreach (var m in filter)
            {
                if (m(doc) is null)
                {
                    return null;
                }
            }

            foreach (var m in mustNot)
            {
                if (m(doc) is not null)
                {
                    return null;
                }
            }

            var matched = 0;
            foreach (var m in should)
            {
                var s = m(doc);
                if (s is not null)
                {
                    matched++;
                    score += s.Value;
                }
            }

            if (matched < required)
            {
                return null;
            }

            return scoring ? score * boost : 0.0;
        };
    }

    /// <summary>minimum_should_match: an integer, a negative integer, or a (negative) percentage.</summary>
    public static int MinimumShould(string spec, int optional)
    {
        spec = spec.Trim();
        if (spec.Contains('<', StringComparison.Ordinal) || spec.Contains(' ', StringComparison.Ordinal))
        {
            throw EsException.Unsupported($"combined minimum_should_match [{spec}]");
        }

        int result;
        if (spec.EndsWith('%'))
        {
            if (!int.TryParse(spec[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pct))
            {
                throw EsException.IllegalArgument($"Invalid minimum_should_match [{spec}]");
            }

            result = pct < 0 ? optional + (int)(optional * pct / 100.0) : (int)(optional * pct / 100.0);
        }
        else
        {
            if (!int.TryParse(spec, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                throw EsException.IllegalArgument($"Invalid minimum_should_match [{spec}]");
            }

            result = n < 0 ? optional + n : n;
        }

        return Math.Max(0, result);
    }
}

internal sealed class IdsQuery : Query
{
    public required IReadOnlyList<string> Ids { get; init; }

    public static Query ParseIds(JsonObject o)
    {
        var boost = 1.0;
        List<string> ids = [];
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "values":
                    ids = (v as JsonArray ?? throw EsException.Parsing("[ids] values must be an array"))
                        .Select(JsonUtil.ScalarText).ToList();
                    break;
                case "boost":
                    boost = ToDouble(v, "ids");
                    break;
                case "_name":
                    break;
                default:
                    throw EsException.Parsing($"[ids] query does not support [{k}]");
            }
        }

        return new IdsQuery { Ids = ids, Boost = boost };
    }

    public override Matcher Bind(BindContext ctx)
    {
        var set = Ids.ToHashSet(StringComparer.Ordinal);
        return Score(doc => set.Contains(doc.Id), Boost);
    }
}

internal sealed class ExistsQuery : Query
{
    public required string Field { get; init; }

    public static Query ParseExists(JsonObject o)
    {
        string? field = null;
        var boost = CommonBoost(o, "exists", ["field"]);
        if (o["field"] is { } f)
        {
            field = JsonUtil.ScalarText(f);
        }

        if (string.IsNullOrEmpty(field))
        {
            throw EsException.Parsing("[exists] must be provided with a [field]");
        }

        return new ExistsQuery { Field = field, Boost = boost };
    }

    public override Matcher Bind(BindContext ctx)
    {
        if (Field is "_id" or "_index" or "_source")
        {
            return Score(_ => true, Boost);
        }

        var paths = ctx.Mapping.Fields.Keys
            .Where(p => IndexNames.IsWildcard(Field) ? IndexNames.SimpleMatch(Field, p)
                : p == Field || p.StartsWith(Field + ".", StringComparison.Ordinal))
            .Where(p => !(ctx.Mapping.Fields[p] is { Kind: FieldKind.Binary }))
            .ToArray();
        return Score(doc => paths.Any(p => doc.Fields.ContainsKey(p)), Boost);
    }
}

internal sealed class MatchQuery : Query
{
    public required string Field { get; init; }

    public required JsonNode Text { get; init; }

    public bool And { get; init; }

    public string? MinimumShouldMatch { get; init; }

    public string? Analyzer { get; init; }

    public bool ZeroTermsAll { get; init; }

    public bool Lenient { get; init; }

    public static Query ParseMatch(JsonObject o)
    {
        var (field, value, outerBoost) = SingleField(o, "match");
        if (value is JsonObject opts)
        {
            JsonNode? text = null;
            var and = false;
            string? msm = null, analyzer = null;
            var boost = outerBoost;
            var zeroAll = false;
            var lenient = false;
            foreach (var (k, v) in opts)
            {
                switch (k)
                {
                    case "query":
                        text = v;
                        break;
                    case "operator":
                        var op = JsonUtil.ScalarText(v).ToLowerInvariant();
                        and = op switch
                        {
                            "and" => true,
                            "or" => false,
                            _ => throw EsException.IllegalArgument($"operator needs to be either [and] or [or], but not [{op}]"),
                        };
                        break;
                    case "minimum_should_match":
                        msm = JsonUtil.ScalarText(v);
                        break;
                    case "analyzer":
                        analyzer = JsonUtil.ScalarText(v);
                        if (!Analysis.IsKnown(analyzer))
                        {
                            throw EsException.Unsupported($"match query analyzer [{analyzer}]");
                        }

                        break;
                    case "boost":
                        boost = ToDouble(v, "match");
                        break;
                    case "zero_terms_query":
                        zeroAll = JsonUtil.ScalarText(v).ToLowerInvariant() switch
                        {
                            "all" => true,
                            "none" => false,
                            var z => throw EsException.Parsing($"Unsupported zero_terms_query value [{z}]"),
                        };
                        break;
                    case "lenient":
                        lenient = JsonUtil.ToBool(v, k);
                        break;
                    case "fuzziness":
                        throw EsException.Unsupported("match query [fuzziness]");
                    case "auto_generate_synonyms_phrase_query":
                    case "prefix_length":
                    case "max_expansions":
                    case "fuzzy_transpositions":
                    case "fuzzy_rewrite":
                    case "_name":
                        break;
                    default:
                        throw EsException.Parsing($"[match] query does not support [{k}]");
                }
            }

            if (text is null)
            {
                throw EsException.IllegalArgument("No text specified for text query");
            }

            return new MatchQuery
            {
                Field = field,
                Text = text.DeepClone(),
                And = and,
                MinimumShouldMatch = msm,
                Analyzer = analyzer,
                Boost = boost,
                ZeroTermsAll = zeroAll,
                Lenient = lenient,
            };
        }

        if (value is null or JsonArray)
        {
            throw EsException.Parsing("[match] unknown token [START_ARRAY] after [query]");
        }

        return new MatchQuery { Field = field, Text = value.DeepClone(), Boost = outerBoost };
    }

    public override Matcher Bind(BindContext ctx)
    {
        var boost = Boost;
        if (Field is "_id" or "_index")
        {
            return TermsQuery.BindValues(ctx, Field, [Text], boost, false);
        }

        var f = Resolve(ctx, Field);
        if (f is null)
        {
            return _ => null;
        }

        if (f.Kind != FieldKind.Text)
        {
            try
            {
                return TermsQuery.BindValues(ctx, Field, [Text], boost, false);
            }
            catch (EsException) when (Lenient)
            {
                return _ => null;
            }
        }

        EnsureSearchable(ctx, f);
        var terms = Analysis.Tokenize(JsonUtil.ScalarText(Text), Analyzer ?? f.SearchAnalyzer).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0)
        {
            return ZeroTermsAll ? _ => boost : _ => null;
        }

        var required = And ? terms.Count
            : MinimumShouldMatch is null ? 1 : Math.Max(1, BoolQuery.MinimumShould(MinimumShouldMatch, terms.Count));
        return doc =>
        {
            var values = ValuesOf(doc, f.Path);
            var matched = 0;
            foreach (var t in terms)
            {
                foreach (var v in values)
                {
                    if (string.Equals(v.S, t, StringComparison.Ordinal))
                    {
                        matched++;
                        break;
                    }
                }
            }

            return matched >= required ? boost * matched : null;
        };
    }
}

internal sealed class PatternQuery : Query
{
    public required string Field { get; init; }

    public required string Pattern { get; init; }

    public required bool IsPrefix { get; init; }

    public bool CaseInsensitive { get; init; }

    public static Query ParsePattern(JsonObject o, string name)
    {
        var (field, value, outerBoost) = SingleField(o, name);
        var boost = outerBoost;
        string? pattern = null;
        var ci = false;
        if (value is JsonObject opts)
        {
            foreach (var (k, v) in opts)
            {
                switch (k)
                {
                    case "value":
                    case "wildcard" when name == "wildcard":
                        pattern = JsonUtil.ScalarText(v);
                        break;
                    case "boost":
                        boost = ToDouble(v, name);
                        break;
                    case "case_insensitive":
                        ci = JsonUtil.ToBool(v, k);
                        break;
                    case "rewrite":
                    case "_name":
                        break;
                    default:
                        throw EsException.Parsing($"[{name}] query does not support [{k}]");
                }
            }
        }
        else
        {
            pattern = JsonUtil.ScalarText(value);
        }

        if (pattern is null)
        {
            throw EsException.IllegalArgument($"[{name}] requires a value");
        }

        return new PatternQuery { Field = field, Pattern = pattern, IsPrefix = name == "prefix", Boost = boost, CaseInsensitive = ci };
    }

    public override Matcher Bind(BindContext ctx)
    {
        var comparison = CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        Func<string, bool> test;
        if (IsPrefix)
        {
            var prefix = Pattern;
            test = s => s.StartsWith(prefix, comparison);
        }
        else
        {
            var regex = new Regex("^" + Regex.Escape(Pattern).Replace("\\*", ".*", StringComparison.Ordinal)
                .Replace("\\?", ".", StringComparison.Ordinal) + "$",
                (CaseInsensitive ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant);
            test = regex.IsMatch;
        }

        if (Field == "_id")
        {
            return Score(doc => test(doc.Id), Boost);
        }

        if (Field == "_index")
        {
            var match = test(ctx.Index.Name);
            return Score(_ => match, Boost);
        }

        var f = Resolve(ctx, Field);
        if (f is null)
        {
            return _ => null;
        }

        if (f.Kind is not (FieldKind.Keyword or FieldKind.Text))
        {
            throw ctx.ShardError(new EsException(400, "query_shard_exception",
                $"Can only use {(IsPrefix ? "prefix" : "wildcard")} queries on keyword and text fields - not on [{f.Path}] which is of type [{f.Type}]"));
        }

        EnsureSearchable(ctx, f);
        return Score(doc => ValuesOf(doc, f.Path).Any(v => test(v.S!)), Boost);
    }
}

internal sealed class ConstantScoreQuery : Query
{
    public required Query Filter { get; init; }

    public static Query ParseConstantScore(JsonObject o)
    {
        Query? filter = null;
        var boost = 1.0;
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "filter":
                    filter = Parse(v);
                    break;
                case "boost":
                    boost = ToDouble(v, "constant_score");
                    break;
                case "_name":
                    break;
                default:
                    throw EsException.Parsing($"[constant_score] query does not support [{k}]");
            }
        }

        return new ConstantScoreQuery
        {
            Filter = filter ?? throw EsException.Parsing("[constant_score] requires a 'filter' element"),
            Boost = boost,
        };
    }

    public override Matcher Bind(BindContext ctx)
    {
        var inner = Filter.Bind(ctx);
        var boost = Boost;
        return doc => inner(doc) is null ? null : boost;
    }
}
