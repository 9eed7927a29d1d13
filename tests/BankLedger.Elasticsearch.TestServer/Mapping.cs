using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

internal enum FieldKind
{
    Text,
    Keyword,
    Long,
    Integer,
    Short,
    Byte,
    Double,
    Float,
    HalfFloat,
    Date,
    Boolean,
    Binary,
}

/// <summary>A leaf field of a mapping (including multi-fields such as <c>name.keyword</c>).</summary>
internal sealed class FieldInfo
{
    public required string Path { get; init; }

    public required string Type { get; init; }

    public required FieldKind Kind { get; init; }

    public bool Indexed { get; init; } = true;

    public bool DocValues { get; init; } = true;

    public string Analyzer { get; init; } = "standard";

    public string SearchAnalyzer { get; init; } = "standard";

    public int? IgnoreAbove { get; init; }

    public JsonNode? NullValue { get; init; }

    public IReadOnlyList<string> DateFormats { get; init; } = EsDates.SplitFormats(EsDates.DefaultFormat);

    public string DateFormat { get; init; } = EsDates.DefaultFormat;

    public bool Coerce { get; init; } = true;

    /// <summary>Multi-fields indexed from the same value (e.g. <c>name.keyword</c>).</summary>
    public IReadOnlyList<FieldInfo> SubFields { get; init; } = [];

    public bool IsIntegral => Kind is FieldKind.Long or FieldKind.Integer or FieldKind.Short or FieldKind.Byte;

    public bool IsFloating => Kind is FieldKind.Double or FieldKind.Float or FieldKind.HalfFloat;

    public bool IsNumeric => IsIntegral || IsFloating;
}

internal sealed class ObjectInfo
{
    public required string Path { get; init; }

    /// <summary>"true", "false", "strict" or null (inherit).</summary>
    public string? Dynamic { get; init; }

    public bool Enabled { get; init; } = true;
}

/// <summary>One indexed value of a field: a token/term (S), an integral/date/boolean value (L) or a floating value (D).</summary>
internal readonly record struct FieldValue(string? S, long L, double D);

/// <summary>
/// An index mapping: the canonical JSON returned by get-mapping plus a lookup of fields by full path.
/// Immutable: updates (put-mapping, dynamic fields) produce a new instance.
/// </summary>
internal sealed class IndexMapping
{
    private static readonly Dictionary<string, FieldKind> LeafTypes = new(StringComparer.Ordinal)
    {
        ["text"] = FieldKind.Text,
        ["keyword"] = FieldKind.Keyword,
        ["long"] = FieldKind.Long,
        ["integer"] = FieldKind.Integer,
        ["short"] = FieldKind.Short,
        ["byte"] = FieldKind.Byte,
        ["double"] = FieldKind.Double,
        ["float"] = FieldKind.Float,
        ["half_float"] = FieldKind.HalfFloat,
        ["date"] = FieldKind.Date,
        ["boolean"] = FieldKind.Boolean,
        ["binary"] = FieldKind.Binary,
    };

    private static readonly HashSet<string> KnownButUnsupportedTypes = new(StringComparer.Ordinal)
    {
        "nested", "flattened", "ip", "geo_point", "geo_shape", "point", "shape", "alias", "constant_keyword", "wildcard",
        "match_only_text", "unsigned_long", "scaled_float", "date_nanos", "dense_vector", "sparse_vector", "semantic_text",
        "rank_feature", "rank_features", "search_as_you_type", "completion", "token_count", "join", "percolator",
        "histogram", "aggregate_metric_double", "version", "integer_range", "float_range", "long_range", "double_range",
        "date_range", "ip_range", "annotated_text", "murmur3", "counted_keyword", "passthrough",
    };

    private static readonly HashSet<string> CommonParams = new(StringComparer.Ordinal) { "type", "meta", "fields", "copy_to" };

    private static readonly Dictionary<FieldKind, HashSet<string>> AllowedParams = new()
    {
        [FieldKind.Text] = Set("analyzer", "search_analyzer", "search_quote_analyzer", "index", "store", "index_options", "norms",
            "position_increment_gap", "term_vector", "eager_global_ordinals", "fielddata", "index_phrases", "similarity",
            "index_prefixes", "fielddata_frequency_filter"),
        [FieldKind.Keyword] = Set("ignore_above", "null_value", "index", "doc_values", "store", "eager_global_ordinals",
            "index_options", "norms", "split_queries_on_whitespace", "normalizer", "similarity", "time_series_dimension",
            "script", "on_script_error"),
        [FieldKind.Long] = NumericParams(),
        [FieldKind.Integer] = NumericParams(),
        [FieldKind.Short] = NumericParams(),
        [FieldKind.Byte] = NumericParams(),
        [FieldKind.Double] = NumericParams(),
        [FieldKind.Float] = NumericParams(),
        [FieldKind.HalfFloat] = NumericParams(),
        [FieldKind.Date] = Set("format", "locale", "ignore_malformed", "index", "doc_values", "null_value", "store", "script",
            "on_script_error", "print_format"),
        [FieldKind.Boolean] = Set("index", "doc_values", "null_value", "store", "script", "on_script_error"),
        [FieldKind.Binary] = Set("doc_values", "store"),
    };

    /// <summary>Parameters that cannot change on an existing field, with their defaults.</summary>
    private static readonly Dictionary<string, string> NonUpdatable = new(StringComparer.Ordinal)
    {
        ["index"] = "true",
        ["doc_values"] = "true",
        ["store"] = "false",
        ["analyzer"] = "default",
        ["null_value"] = "null",
        ["format"] = EsDates.DefaultFormat,
        ["locale"] = "",
        ["position_increment_gap"] = "100",
        ["index_options"] = "",
        ["term_vector"] = "no",
        ["similarity"] = "BM25",
        ["normalizer"] = "null",
        ["index_phrases"] = "false",
    };

    private static readonly HashSet<string> MetadataFields = new(StringComparer.Ordinal)
    {
        "_id", "_index", "_routing", "_source", "_version", "_seq_no", "_primary_term", "_field_names", "_ignored",
        "_doc_count", "_tier", "_data_stream_timestamp", "_feature", "_nested_path", "_ignored_source", "_tsid",
    };

    private static HashSet<string> Set(params string[] items) => new(items, StringComparer.Ordinal);

    private static HashSet<string> NumericParams() => Set("coerce", "ignore_malformed", "index", "doc_values", "null_value",
        "store", "time_series_metric", "time_series_dimension", "script", "on_script_error");

    private IndexMapping(JsonObject root)
    {
        Root = root;
        var fields = new Dictionary<string, FieldInfo>(StringComparer.Ordinal);
        var objects = new Dictionary<string, ObjectInfo>(StringComparer.Ordinal)
        {
            [""] = new ObjectInfo { Path = "", Dynamic = DynamicValue(root["dynamic"]) ?? "true" },
        };
        if (root["properties"] is JsonObject props)
        {
            BuildLookup(props, "", fields, objects);
        }

        Fields = fields;
        Objects = objects;
        DateDetection = root["date_detection"] is not { } dd || JsonUtil.ScalarText(dd) != "false";
    }

    public static IndexMapping Empty { get; } = new(new JsonObject());

    /// <summary>The canonical mapping JSON (get-mapping's <c>mappings</c>). Do not mutate.</summary>
    public JsonObject Root { get; }

    public IReadOnlyDictionary<string, FieldInfo> Fields { get; }

    public IReadOnlyDictionary<string, ObjectInfo> Objects { get; }

    public bool DateDetection { get; }

    /// <summary>Number of mapped fields (objects and multi-fields included) for the total-fields limit.</summary>
    public int FieldCount => Fields.Count + Objects.Count - 1;

    // ------------------------------------------------------------------------------------------
    // Parsing and merging mapping definitions.
    // ------------------------------------------------------------------------------------------

    /// <summary>Validates a create-index <c>mappings</c> body and builds the mapping.</summary>
    public static IndexMapping FromDefinition(JsonNode? definition)
    {
        if (definition is null)
        {
            return Empty;
        }

        var canonical = WrapParse(() => NormalizeRoot(JsonUtil.ExpectObject(definition, "mappings"), forCreate: true));
        return new IndexMapping(canonical);
    }

    /// <summary>Put-mapping: validates the definition and merges it into this mapping.</summary>
    public IndexMapping Merge(JsonNode? definition)
    {
        var incoming = WrapParse(() => NormalizeRoot(JsonUtil.ExpectObject(definition, "mappings"), forCreate: false));
        return MergeCanonical(incoming);
    }

    private IndexMapping MergeCanonical(JsonObject incoming)
    {
        var merged = (JsonObject)Root.DeepClone();
        foreach (var (key, value) in incoming)
        {
            if (key == "properties")
            {
                var target = merged["properties"] as JsonObject;
                if (target is null)
                {
                    target = new JsonObject();
                    merged["properties"] = target;
                }

                MergeProperties(target, (JsonObject)value!, "");
            }
            else
            {
                merged[key] = value?.DeepClone();
            }
        }

        return new IndexMapping(Reorder(merged));
    }

    private static JsonObject Reorder(JsonObject root)
    {
        // properties last, as Elasticsearch prints them, and sorted by name.
        var o = new JsonObject();
        foreach (var (k, v) in root)
        {
            if (k != "properties")
            {
                o[k] = v?.DeepClone();
            }
        }

        if (root["properties"] is JsonObject props)
        {
            o["properties"] = SortProperties(props);
        }

        return o;
    }

    private static JsonObject SortProperties(JsonObject props)
    {
        var sorted = new JsonObject();
        foreach (var (k, v) in props.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var def = (JsonObject)v!.DeepClone();
            if (def["properties"] is JsonObject inner)
            {
                def["properties"] = SortProperties(inner);
            }

            if (def["fields"] is JsonObject fields)
            {
                def["fields"] = SortProperties(fields);
            }

            sorted[k] = def;
        }

        return sorted;
    }

    private static void MergeProperties(JsonObject target, JsonObject incoming, string parentPath)
    {
        foreach (var (name, value) in incoming)
        {
            var path = parentPath.Length == 0 ? name : parentPath + "." + name;
            var newDef = (JsonObject)value!;
            if (target[name] is not JsonObject existing)
            {
                target[name] = newDef.DeepClone();
                continue;
            }

            var existingIsObject = IsObjectDef(existing);
            var newIsObject = IsObjectDef(newDef);
            if (existingIsObject != newIsObject)
            {
                throw existingIsObject
                    ? EsException.IllegalArgument($"can't merge a non object mapping [{path}] with an object mapping")
                    : EsException.IllegalArgument($"can't merge a non object mapping [{path}] with an object mapping");
            }

            if (existingIsObject)
            {
                var oldEnabled = existing["enabled"] is { } e1 ? JsonUtil.ScalarText(e1) : "true";
                var newEnabled = newDef["enabled"] is { } e2 ? JsonUtil.ScalarText(e2) : oldEnabled;
                if (oldEnabled != newEnabled)
                {
                    throw EsException.MapperParsing($"the [enabled] parameter can't be updated for the object mapping [{path}]");
                }

                foreach (var (k, v) in newDef)
                {
                    if (k == "properties")
                    {
                        var innerTarget = existing["properties"] as JsonObject;
                        if (innerTarget is null)
                        {
                            innerTarget = new JsonObject();
                            existing["properties"] = innerTarget;
                        }

                        MergeProperties(innerTarget, (JsonObject)v!, path);
                    }
                    else if (k != "type")
                    {
                        existing[k] = v?.DeepClone();
                    }
                }

                if (existing["properties"] is JsonObject { Count: > 0 })
                {
                    existing.Remove("type");
                }

                continue;
            }

            target[name] = MergeLeaf(existing, newDef, path);
        }
    }

    private static JsonObject MergeLeaf(JsonObject existing, JsonObject incoming, string path)
    {
        var oldType = JsonUtil.ScalarText(existing["type"]);
        var newType = JsonUtil.ScalarText(incoming["type"]);
        if (oldType != newType)
        {
            throw EsException.IllegalArgument($"mapper [{path}] cannot be changed from type [{oldType}] to [{newType}]");
        }

        var conflicts = new List<string>();
        foreach (var (param, defaultValue) in NonUpdatable)
        {
            var a = existing[param] is { } x ? Canonical(x) : defaultValue;
            var b = incoming[param] is { } y ? Canonical(y) : defaultValue;
            if (a != b)
            {
                conflicts.Add($"Cannot update parameter [{param}] from [{a}] to [{b}]");
            }
        }

        if (conflicts.Count > 0)
        {
            throw EsException.IllegalArgument(
                $"Mapper for [{path}] conflicts with existing mapper:\n\t" + string.Join("\n\t", conflicts));
        }

        var merged = new JsonObject();
        foreach (var (k, v) in incoming)
        {
            if (k != "fields")
            {
                merged[k] = v?.DeepClone();
            }
        }

        var oldFields = existing["fields"] as JsonObject;
        var newFields = incoming["fields"] as JsonObject;
        if (oldFields is not null || newFields is not null)
        {
            var fields = (JsonObject?)oldFields?.DeepClone() ?? new JsonObject();
            if (newFields is not null)
            {
                foreach (var (sub, subDef) in newFields)
                {
                    fields[sub] = fields[sub] is JsonObject oldSub
                        ? MergeLeaf(oldSub, (JsonObject)subDef!, path + "." + sub)
                        : subDef!.DeepClone();
                }
            }

            merged["fields"] = fields;
        }

        return merged;
    }

    private static string Canonical(JsonNode n) => JsonUtil.ScalarText(n);

    private static bool IsObjectDef(JsonObject def) =>
        def["type"] is null || JsonUtil.ScalarText(def["type"]) == "object";

    private static JsonObject WrapParse(Func<JsonObject> parse)
    {
        try
        {
            return parse();
        }
        catch (EsException e) when (e.Type == "illegal_argument_exception" && e.Reason.StartsWith("field name cannot", StringComparison.Ordinal))
        {
            throw EsException.MapperParsing("Failed to parse mapping: " + e.Reason, e);
        }
    }

    private static JsonObject NormalizeRoot(JsonObject def, bool forCreate)
    {
        if (def.Count == 1 && def["_doc"] is JsonObject)
        {
            throw forCreate
                ? EsException.IllegalArgument("The mapping definition cannot be nested under a type [_doc] unless include_type_name is set to true.")
                : EsException.IllegalArgument("Types cannot be provided in put mapping requests");
        }

        var root = new JsonObject();
        var unsupported = new List<string>();
        foreach (var (key, value) in def)
        {
            switch (key)
            {
                case "properties":
                    root["properties"] = NormalizeProperties(JsonUtil.ExpectObject(value, "properties"), "");
                    break;
                case "dynamic":
                    ValidateDynamic(value, "_doc");
                    root["dynamic"] = value?.DeepClone();
                    break;
                case "_meta":
                    root["_meta"] = JsonUtil.ExpectObject(value, "_meta").DeepClone();
                    break;
                case "date_detection":
                    JsonUtil.ToBool(value, "date_detection");
                    root["date_detection"] = value?.DeepClone();
                    break;
                case "numeric_detection":
                    if (JsonUtil.ToBool(value, "numeric_detection"))
                    {
                        throw EsException.Unsupported("[numeric_detection: true]");
                    }

                    root["numeric_detection"] = value?.DeepClone();
                    break;
                case "dynamic_templates":
                    if (value is not JsonArray { Count: 0 })
                    {
                        throw EsException.Unsupported("[dynamic_templates]");
                    }

                    break;
                case "_source":
                    if (value is not JsonObject { Count: 0 })
                    {
                        throw EsException.Unsupported("mapping parameter [_source] (source modes, includes/excludes, disabling)");
                    }

                    break;
                case "_routing":
                    if (value is JsonObject r && r["required"] is { } req && JsonUtil.ToBool(req, "required"))
                    {
                        throw EsException.Unsupported("[_routing.required: true]");
                    }

                    break;
                case "dynamic_date_formats":
                case "runtime":
                case "subobjects":
                case "enabled":
                case "_field_names":
                case "_data_stream_timestamp":
                    throw EsException.Unsupported($"root mapping parameter [{key}]");
                default:
                    unsupported.Add($"{key} : {JsonUtil.ScalarText(value)}");
                    break;
            }
        }

        if (unsupported.Count > 0)
        {
            throw EsException.MapperParsing("Root mapping definition has unsupported parameters:  [" + string.Join("] [", unsupported) + "]");
        }

        return root;
    }

    private static void ValidateDynamic(JsonNode? value, string path)
    {
        var text = JsonUtil.ScalarText(value);
        switch (text)
        {
            case "true":
            case "false":
            case "strict":
                return;
            case "runtime":
                throw EsException.Unsupported("[dynamic: runtime]");
            default:
                throw EsException.MapperParsing(
                    $"Failed to parse mapping: Could not convert [{path}.dynamic] to boolean",
                    EsException.IllegalArgument($"Failed to parse value [{text}] as only [true] or [false] are allowed."));
        }
    }

    private static string? DynamicValue(JsonNode? value) => value is null ? null : JsonUtil.ScalarText(value);

    private static JsonObject NormalizeProperties(JsonObject props, string parentPath)
    {
        var result = new JsonObject();
        foreach (var (rawName, value) in props)
        {
            if (rawName.Length == 0)
            {
                throw EsException.IllegalArgument("field name cannot be an empty string");
            }

            if (rawName.Trim().Length == 0)
            {
                throw EsException.IllegalArgument("field name cannot contain only whitespaces");
            }

            var parts = rawName.Split('.');
            if (parts.Any(p => p.Length == 0))
            {
                throw EsException.IllegalArgument($"field name cannot contain only dots: [{rawName}]");
            }

            var def = value as JsonObject ?? throw EsException.MapperParsing(
                $"Expected map for property [fields] on field [{rawName}] but got a class java.lang.String");

            // "a.b.c": { ... } is shorthand for a: { properties: { b: { properties: { c: ... } } } }.
            var leafPath = parentPath.Length == 0 ? rawName : parentPath + "." + rawName;
            JsonObject normalized = NormalizeField(def, leafPath);
            for (var i = parts.Length - 1; i >= 1; i--)
            {
                normalized = new JsonObject { ["properties"] = new JsonObject { [parts[i]] = normalized } };
            }

            var top = parts[0];
            if (result[top] is JsonObject existing && IsObjectDef(existing) && IsObjectDef(normalized))
            {
                MergeProperties((JsonObject)(existing["properties"] ??= new JsonObject()), (JsonObject)normalized["properties"]!, top);
            }
            else
            {
                result[top] = normalized;
            }
        }

        return result;
    }

    private static JsonObject NormalizeField(JsonObject def, string path)
    {
        var typeNode = def["type"];
        var type = typeNode is null ? "object" : JsonUtil.ScalarText(typeNode);
        if (type == "object")
        {
            var o = new JsonObject();
            foreach (var (k, v) in def)
            {
                switch (k)
                {
                    case "type":
                        break;
                    case "properties":
                        o["properties"] = NormalizeProperties(JsonUtil.ExpectObject(v, "properties"), path);
                        break;
                    case "dynamic":
                        ValidateDynamic(v, path);
                        o["dynamic"] = v?.DeepClone();
                        break;
                    case "enabled":
                        JsonUtil.ToBool(v, "enabled");
                        o["enabled"] = v?.DeepClone();
                        break;
                    case "subobjects":
                        if (!JsonUtil.ToBool(v, "subobjects"))
                        {
                            throw EsException.Unsupported("[subobjects: false]");
                        }

                        break;
                    default:
                        throw EsException.MapperParsing($"Mapping definition for [{path}] has unsupported parameters:  [{k} : {JsonUtil.ScalarText(v)}]");
                }
            }

            if (o["properties"] is not JsonObject { Count: > 0 })
            {
                o.Remove("properties");
                var withType = new JsonObject { ["type"] = "object" };
                foreach (var (k, v) in o)
                {
                    withType[k] = v?.DeepClone();
                }

                return withType;
            }

            return o;
        }

        return NormalizeLeaf(def, type, path, allowMultiFields: true);
    }

    private static JsonObject NormalizeLeaf(JsonObject def, string type, string path, bool allowMultiFields)
    {
        if (!LeafTypes.TryGetValue(type, out var kind))
        {
            if (KnownButUnsupportedTypes.Contains(type))
            {
                throw EsException.Unsupported($"field type [{type}] (field [{path}])");
            }

            throw EsException.MapperParsing($"Failed to parse mapping: No handler for type [{type}] declared on field [{path}]",
                EsException.MapperParsing($"No handler for type [{type}] declared on field [{path}]"));
        }

        var allowed = AllowedParams[kind];
        var result = new JsonObject { ["type"] = type };
        foreach (var (k, v) in def)
        {
            if (k == "type")
            {
                continue;
            }

            if (!CommonParams.Contains(k) && !allowed.Contains(k))
            {
                throw EsException.MapperParsing($"Failed to parse mapping: unknown parameter [{k}] on mapper [{path}] of type [{type}]",
                    EsException.MapperParsing($"unknown parameter [{k}] on mapper [{path}] of type [{type}]"));
            }

            switch (k)
            {
                case "fields":
                {
                    if (!allowMultiFields)
                    {
                        throw EsException.Unsupported("multi-fields of multi-fields");
                    }

                    var fields = new JsonObject();
                    foreach (var (sub, subDef) in JsonUtil.ExpectObject(v, "fields"))
                    {
                        if (sub.Length == 0)
                        {
                            throw EsException.IllegalArgument("field name cannot be an empty string");
                        }

                        var subObj = JsonUtil.ExpectObject(subDef, sub);
                        var subType = subObj["type"] is { } st ? JsonUtil.ScalarText(st) : "object";
                        if (subType == "object")
                        {
                            throw EsException.MapperParsing($"Type [object] cannot be used in multi field [{path}.{sub}]");
                        }

                        fields[sub] = NormalizeLeaf(subObj, subType, path + "." + sub, allowMultiFields: false);
                    }

                    result["fields"] = fields;
                    continue;
                }

                case "copy_to":
                    if (v is JsonArray { Count: 0 })
                    {
                        break;
                    }

                    throw EsException.Unsupported($"[copy_to] (field [{path}])");
                case "meta":
                    foreach (var (_, mv) in JsonUtil.ExpectObject(v, "meta"))
                    {
                        if (!JsonUtil.IsString(mv))
                        {
                            throw EsException.MapperParsing($"[meta] values can only be strings, but got {JsonUtil.ScalarText(mv)} for field [{path}]");
                        }
                    }

                    break;
                case "analyzer":
                case "search_analyzer":
                case "search_quote_analyzer":
                    Analysis.Validate(JsonUtil.ScalarText(v), path);
                    break;
                case "index":
                case "doc_values":
                case "store":
                case "norms":
                case "eager_global_ordinals":
                case "index_phrases":
                case "split_queries_on_whitespace":
                case "coerce":
                    JsonUtil.ToBool(v, k);
                    break;
                case "ignore_malformed":
                    if (JsonUtil.ToBool(v, k))
                    {
                        throw EsException.Unsupported($"[ignore_malformed: true] (field [{path}])");
                    }

                    break;
                case "fielddata":
                    if (JsonUtil.ToBool(v, k))
                    {
                        throw EsException.Unsupported($"[fielddata: true] (field [{path}])");
                    }

                    break;
                case "ignore_above":
                    if (JsonUtil.ToInt(v, k) < 0)
                    {
                        throw EsException.MapperParsing($"[ignore_above] must be positive, got [{JsonUtil.ScalarText(v)}]");
                    }

                    break;
                case "format":
                    EsDates.ValidateFormat(JsonUtil.ScalarText(v), path);
                    break;
                case "null_value":
                    if (v is not null && kind != FieldKind.Keyword && kind != FieldKind.Boolean)
                    {
                        // Numbers and dates: validated when first used; keep simple.
                        _ = JsonUtil.ScalarText(v);
                    }

                    break;
                case "normalizer":
                case "script":
                case "on_script_error":
                case "time_series_dimension":
                case "time_series_metric":
                case "index_prefixes":
                case "fielddata_frequency_filter":
                case "print_format":
                    if (v is null)
                    {
                        break;
                    }

                    throw EsException.Unsupported($"mapping parameter [{k}] (field [{path}])");
                case "similarity":
                    if (JsonUtil.ScalarText(v) != "BM25")
                    {
                        throw EsException.Unsupported($"[similarity] other than BM25 (field [{path}])");
                    }

                    break;
                default:
                    break;
            }

            result[k] = v?.DeepClone();
        }

        return result;
    }

    private static void BuildLookup(JsonObject props, string parent, Dictionary<string, FieldInfo> fields, Dictionary<string, ObjectInfo> objects)
    {
        foreach (var (name, value) in props)
        {
            var path = parent.Length == 0 ? name : parent + "." + name;
            var def = (JsonObject)value!;
            if (IsObjectDef(def))
            {
                objects[path] = new ObjectInfo
                {
                    Path = path,
                    Dynamic = DynamicValue(def["dynamic"]),
                    Enabled = def["enabled"] is not { } en || JsonUtil.ScalarText(en) != "false",
                };
                if (def["properties"] is JsonObject inner)
                {
                    BuildLookup(inner, path, fields, objects);
                }

                continue;
            }

            var info = ToFieldInfo(def, path);
            fields[path] = info;
            foreach (var sub in info.SubFields)
            {
                fields[sub.Path] = sub;
            }
        }
    }

    private static FieldInfo ToFieldInfo(JsonObject def, string path)
    {
        var type = JsonUtil.ScalarText(def["type"]);
        var analyzer = def["analyzer"] is { } a ? JsonUtil.ScalarText(a) : "standard";
        if (analyzer == "default")
        {
            analyzer = "standard";
        }

        var searchAnalyzer = def["search_analyzer"] is { } sa ? JsonUtil.ScalarText(sa) : analyzer;
        var format = def["format"] is { } f ? JsonUtil.ScalarText(f) : EsDates.DefaultFormat;
        var subFields = new List<FieldInfo>();
        if (def["fields"] is JsonObject multi)
        {
            foreach (var (sub, subDef) in multi)
            {
                subFields.Add(ToFieldInfo((JsonObject)subDef!, path + "." + sub));
            }
        }

        return new FieldInfo
        {
            SubFields = subFields,
            Path = path,
            Type = type,
            Kind = LeafTypes[type],
            Indexed = def["index"] is not { } i || JsonUtil.ScalarText(i) != "false",
            DocValues = type != "text" && type != "binary" && (def["doc_values"] is not { } dv || JsonUtil.ScalarText(dv) != "false"),
            Analyzer = analyzer,
            SearchAnalyzer = searchAnalyzer == "default" ? "standard" : searchAnalyzer,
            IgnoreAbove = def["ignore_above"] is { } ia ? JsonUtil.ToInt(ia, "ignore_above") : null,
            NullValue = def["null_value"]?.DeepClone(),
            DateFormat = format,
            DateFormats = EsDates.SplitFormats(format),
            Coerce = def["coerce"] is not { } c || JsonUtil.ScalarText(c) != "false",
        };
    }

    // ------------------------------------------------------------------------------------------
    // Documents.
    // ------------------------------------------------------------------------------------------

    /// <summary>Parses a document source: the indexed values per field, and the dynamic mapping update if any.</summary>
    public (Dictionary<string, List<FieldValue>> Values, IndexMapping Mapping) ParseDocument(string id, JsonElement source, int totalFieldsLimit)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            throw EsException.DocumentParsing("[1:1] failed to parse: root value must be an object");
        }

        var ctx = new DocContext(this, id);
        foreach (var prop in source.EnumerateObject())
        {
            if (MetadataFields.Contains(prop.Name))
            {
                throw EsException.DocumentParsing(
                    $"[1:2] Field [{prop.Name}] is a metadata field and cannot be added inside a document. Use the index API request parameters.");
            }
        }

        ctx.ParseObject(source, "");
        var mapping = this;
        if (ctx.Update["properties"] is JsonObject { Count: > 0 })
        {
            mapping = MergeCanonical(ctx.Update);
            if (mapping.FieldCount > totalFieldsLimit)
            {
                throw EsException.IllegalArgument(
                    $"Limit of total fields [{totalFieldsLimit}] has been exceeded while adding new fields [{mapping.FieldCount - FieldCount}]");
            }
        }

        return (ctx.Values, mapping);
    }

    private sealed class DocContext(IndexMapping mapping, string id)
    {
        private readonly Dictionary<string, FieldInfo> _newFields = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ObjectInfo> _newObjects = new(StringComparer.Ordinal);

        public Dictionary<string, List<FieldValue>> Values { get; } = new(StringComparer.Ordinal);

        public JsonObject Update { get; } = new() { ["properties"] = new JsonObject() };

        private FieldInfo? Field(string path) =>
            mapping.Fields.TryGetValue(path, out var f) ? f : _newFields.GetValueOrDefault(path);

        private ObjectInfo? Object(string path) =>
            mapping.Objects.TryGetValue(path, out var o) ? o : _newObjects.GetValueOrDefault(path);

        private string EffectiveDynamic(string objectPath)
        {
            var path = objectPath;
            while (true)
            {
                var o = Object(path);
                if (o?.Dynamic is { } d)
                {
                    return d;
                }

                if (path.Length == 0)
                {
                    return "true";
                }

                var dot = path.LastIndexOf('.');
                path = dot < 0 ? "" : path[..dot];
            }
        }

        public void ParseObject(JsonElement obj, string path)
        {
            foreach (var prop in obj.EnumerateObject())
            {
                if (prop.Name.Length == 0)
                {
                    throw EsException.DocumentParsing("[1:2] failed to parse: field name cannot be an empty string",
                        EsException.IllegalArgument("field name cannot be an empty string"));
                }

                if (prop.Name.Trim().Length == 0)
                {
                    throw EsException.DocumentParsing($"[1:2] Field name cannot contain only whitespace: [{prop.Name}]");
                }

                // Dots in field names are object paths.
                var parts = prop.Name.Split('.');
                if (parts.Any(p => p.Length == 0))
                {
                    throw EsException.DocumentParsing(
                        $"[1:2] object field starting or ending with a [.] makes object resolution ambiguous: [{prop.Name}]");
                }

                var parent = path;
                var ok = true;
                for (var i = 0; i < parts.Length - 1 && ok; i++)
                {
                    var child = parent.Length == 0 ? parts[i] : parent + "." + parts[i];
                    ok = EnsureObject(parent, child);
                    parent = child;
                }

                if (!ok)
                {
                    continue;
                }

                var fieldPath = parent.Length == 0 ? parts[^1] : parent + "." + parts[^1];
                ParseValue(prop.Value, parent, fieldPath);
            }
        }

        /// <summary>Makes sure an object exists at <paramref name="path"/>; false when unmapped and dynamic=false.</summary>
        private bool EnsureObject(string parent, string path)
        {
            if (Object(path) is { } o)
            {
                return o.Enabled;
            }

            if (Field(path) is { } f)
            {
                throw EsException.DocumentParsing(
                    $"[1:2] Could not dynamically add mapping for field [{path}]. Existing mapping for [{path}] must be of type object but found [{f.Type}].");
            }

            switch (EffectiveDynamic(parent))
            {
                case "false":
                    return false;
                case "strict":
                    throw StrictError(parent, path);
            }

            _newObjects[path] = new ObjectInfo { Path = path };
            AddToUpdate(path, new JsonObject { ["type"] = "object" });
            return true;
        }

        private static EsException StrictError(string parent, string path)
        {
            var name = path[(path.LastIndexOf('.') + 1)..];
            return new EsException(400, "strict_dynamic_mapping_exception",
                $"[1:2] mapping set to strict, dynamic introduction of [{name}] within [{(parent.Length == 0 ? "_doc" : parent)}] is not allowed");
        }

        private void AddToUpdate(string path, JsonObject def)
        {
            var parts = path.Split('.');
            var props = (JsonObject)Update["properties"]!;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (props[parts[i]] is not JsonObject container)
                {
                    container = new JsonObject();
                    props[parts[i]] = container;
                }

                container.Remove("type");
                if (container["properties"] is not JsonObject inner)
                {
                    inner = new JsonObject();
                    container["properties"] = inner;
                }

                props = inner;
            }

            if (props[parts[^1]] is JsonObject existing && def["type"]?.ToString() == "object")
            {
                _ = existing;
                return;
            }

            props[parts[^1]] = def;
        }

        private void ParseValue(JsonElement value, string parent, string path)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    if (Field(path) is { NullValue: { } nv } f)
                    {
                        IndexScalar(f, JsonUtil.Kind(nv), JsonUtil.ScalarText(nv));
                    }

                    return;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray())
                    {
                        ParseValue(item, parent, path);
                    }

                    return;
                case JsonValueKind.Object:
                {
                    if (Field(path) is { } leaf)
                    {
                        throw EsException.DocumentParsing(
                            $"[1:2] failed to parse field [{path}] of type [{leaf.Type}] in document with id '{id}'. Preview of field's value: '{Preview(value)}'",
                            EsException.IllegalState($"Can't get text on a START_OBJECT at 1:2"));
                    }

                    if (!EnsureObject(parent, path))
                    {
                        return;
                    }

                    ParseObject(value, path);
                    return;
                }

                default:
                {
                    var field = Field(path);
                    if (field is null)
                    {
                        if (Object(path) is not null)
                        {
                            throw EsException.DocumentParsing(
                                $"[1:2] object mapping for [{path}] tried to parse field [{path[(path.LastIndexOf('.') + 1)..]}] as object, but found a concrete value");
                        }

                        switch (EffectiveDynamic(parent))
                        {
                            case "false":
                                return;
                            case "strict":
                                throw StrictError(parent, path);
                        }

                        field = AddDynamicField(value, path);
                        if (field is null)
                        {
                            return;
                        }
                    }

                    IndexScalar(field, value.ValueKind, value.ValueKind switch
                    {
                        JsonValueKind.String => value.GetString()!,
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => value.GetRawText(),
                    });
                    return;
                }
            }
        }

        private FieldInfo? AddDynamicField(JsonElement value, string path)
        {
            JsonObject def;
            switch (value.ValueKind)
            {
                case JsonValueKind.True:
                case JsonValueKind.False:
                    def = new JsonObject { ["type"] = "boolean" };
                    break;
                case JsonValueKind.Number:
                    var raw = value.GetRawText();
                    def = new JsonObject { ["type"] = JsonUtil.TryLong(raw, out _) ? "long" : "float" };
                    break;
                case JsonValueKind.String:
                {
                    var s = value.GetString()!;
                    var numeric = JsonUtil.TryDouble(s, out _);
                    if (!numeric && mapping.DateDetection &&
                        EsDates.TryParse(s, ["strict_date_optional_time"], false, out _))
                    {
                        def = new JsonObject { ["type"] = "date" };
                    }
                    else
                    {
                        def = new JsonObject
                        {
                            ["type"] = "text",
                            ["fields"] = new JsonObject { ["keyword"] = new JsonObject { ["type"] = "keyword", ["ignore_above"] = 256 } },
                        };
                    }

                    break;
                }

                default:
                    return null;
            }

            AddToUpdate(path, def);
            var info = ToFieldInfo(def, path);
            _newFields[path] = info;
            foreach (var sub in info.SubFields)
            {
                _newFields[sub.Path] = sub;
            }

            return info;
        }

        private void IndexScalar(FieldInfo field, JsonValueKind kind, string scalar)
        {
            AddValue(field, kind, scalar);
            foreach (var sub in field.SubFields)
            {
                AddValue(sub, kind, scalar);
            }
        }

        private void AddValue(FieldInfo field, JsonValueKind kind, string scalar)
        {
            var values = ConvertValue(field, kind, scalar, id);
            if (values.Count == 0)
            {
                if (field.Kind == FieldKind.Text && !Values.ContainsKey(field.Path))
                {
                    Values[field.Path] = [];
                }

                return;
            }

            if (!Values.TryGetValue(field.Path, out var list))
            {
                list = [];
                Values[field.Path] = list;
            }

            list.AddRange(values);
        }
    }

    private static string Preview(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return text.Length > 20 ? text[..20] + "..." : text;
    }

    /// <summary>Converts a source value into indexed values for a field (coercion as Elasticsearch does).</summary>
    public static List<FieldValue> ConvertValue(FieldInfo field, JsonValueKind kind, string scalar, string id)
    {
        EsException Fail(EsException cause) => EsException.DocumentParsing(
            $"[1:2] failed to parse field [{field.Path}] of type [{field.Type}] in document with id '{id}'. Preview of field's value: '{scalar}'",
            cause);

        switch (field.Kind)
        {
            case FieldKind.Text:
            {
                if (!field.Indexed)
                {
                    return [];
                }

                var text = scalar;
                return Analysis.Tokenize(text, field.Analyzer).Select(t => new FieldValue(t, 0, 0)).ToList();
            }

            case FieldKind.Keyword:
            {
                var text = scalar;
                if (field.IgnoreAbove is { } limit && text.Length > limit)
                {
                    return [];
                }

                return [new FieldValue(text, 0, 0)];
            }

            case FieldKind.Boolean:
            {
                if (kind == JsonValueKind.String && scalar.Length == 0)
                {
                    return [new FieldValue(null, 0, 0)];
                }

                try
                {
                    var b = kind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        JsonValueKind.String => JsonUtil.ParseBool(scalar, field.Path),
                        _ => throw EsException.IllegalArgument($"Failed to parse value [{scalar}] as only [true] or [false] are allowed."),
                    };
                    return [new FieldValue(null, b ? 1 : 0, 0)];
                }
                catch (EsException e)
                {
                    throw Fail(e);
                }
            }

            case FieldKind.Date:
            {
                var text = scalar;
                if (kind is not (JsonValueKind.String or JsonValueKind.Number) ||
                    !EsDates.TryParse(text, field.DateFormats, false, out var millis))
                {
                    throw Fail(EsException.IllegalArgument(
                        $"failed to parse date field [{text}] with format [{field.DateFormat}]"));
                }

                return [new FieldValue(null, millis, 0)];
            }

            case FieldKind.Binary:
                return [];
            default:
            {
                if (kind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    throw Fail(new EsException(400, "x_content_parse_exception",
                        $"[1:2] Current token ({(kind == JsonValueKind.True ? "VALUE_TRUE" : kind == JsonValueKind.False ? "VALUE_FALSE" : "START_OBJECT")}) not numeric, can not use numeric value accessors"));
                }

                var text = scalar;
                if (kind == JsonValueKind.String)
                {
                    if (!field.Coerce)
                    {
                        throw Fail(EsException.IllegalArgument($"[{field.Type}] does not support coercion of strings: [{text}]"));
                    }

                    if (text.Length == 0)
                    {
                        return [];
                    }
                }

                try
                {
                    return [field.IsIntegral ? new FieldValue(null, ParseIntegral(text, field.Kind, field.Coerce), 0)
                        : new FieldValue(null, 0, ParseFloating(text, field.Kind))];
                }
                catch (EsException e)
                {
                    throw Fail(e);
                }
            }
        }
    }

    public static string TypeWord(FieldKind kind) => kind switch
    {
        FieldKind.Long => "a long",
        FieldKind.Integer => "an integer",
        FieldKind.Short => "a short",
        FieldKind.Byte => "a byte",
        _ => "a number",
    };

    private static (long Min, long Max) Range(FieldKind kind) => kind switch
    {
        FieldKind.Integer => (int.MinValue, int.MaxValue),
        FieldKind.Short => (short.MinValue, short.MaxValue),
        FieldKind.Byte => (sbyte.MinValue, sbyte.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    /// <summary>Parses an integral field value; decimals are truncated when coercing.</summary>
    public static long ParseIntegral(string text, FieldKind kind, bool coerce)
    {
        var (min, max) = Range(kind);
        if (JsonUtil.TryLong(text, out var l))
        {
            if (l < min || l > max)
            {
                throw EsException.IllegalArgument($"Value [{text}] is out of range for {TypeWord(kind)}");
            }

            return l;
        }

        if (JsonUtil.TryDecimal(text, out var d))
        {
            if (d != decimal.Truncate(d) && !coerce)
            {
                throw EsException.IllegalArgument($"Value [{text}] has a decimal part");
            }

            var t = decimal.Truncate(d);
            if (t < min || t > max)
            {
                throw EsException.IllegalArgument($"Value [{text}] is out of range for {TypeWord(kind)}");
            }

            return (long)t;
        }

        if (JsonUtil.TryDouble(text, out var dbl))
        {
            throw EsException.IllegalArgument($"Value [{(double.IsInfinity(dbl) ? text : text)}] is out of range for {TypeWord(kind)}");
        }

        throw new EsException(400, "number_format_exception", $"For input string: \"{text}\"");
    }

    /// <summary>Parses a floating field value, reduced to the field's precision; non-finite values are rejected.</summary>
    public static double ParseFloating(string text, FieldKind kind)
    {
        if (!JsonUtil.TryDouble(text, out var d))
        {
            throw new EsException(400, "number_format_exception", $"For input string: \"{text}\"");
        }

        var reduced = ReducePrecision(d, kind);
        if (!double.IsFinite(reduced))
        {
            var name = kind switch { FieldKind.Float => "float", FieldKind.HalfFloat => "half_float", _ => "double" };
            throw EsException.IllegalArgument($"[{name}] supports only finite values, but got [{JsonUtil.Inv(reduced)}]");
        }

        return reduced;
    }

    public static double ReducePrecision(double d, FieldKind kind) => kind switch
    {
        FieldKind.Float => (float)d,
        FieldKind.HalfFloat => (float)(Half)(float)d,
        _ => d,
    };

    public static string FormatNumberForDisplay(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
