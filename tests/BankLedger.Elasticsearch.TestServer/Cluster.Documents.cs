using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>One document write: index, create, delete or update (single-document APIs and bulk items).</summary>
internal sealed record WriteRequest
{
    public required string OpType { get; init; }

    public required string IndexName { get; init; }

    public string? Id { get; init; }

    /// <summary>The document for index/create (an object).</summary>
    public JsonElement? Source { get; init; }

    public JsonObject? UpdateBody { get; init; }

    public long? Version { get; init; }

    public string VersionType { get; init; } = "internal";

    public long? IfSeqNo { get; init; }

    public long? IfPrimaryTerm { get; init; }

    public string? Routing { get; init; }

    public bool RequireAlias { get; init; }

    public string? WaitForActiveShards { get; init; }

    public SourceFilter? ResponseSource { get; init; }
}

internal sealed partial class Cluster
{
    private static readonly HashSet<string> BulkMetaKeys = new(StringComparer.Ordinal)
    {
        "_index", "_id", "routing", "version", "version_type", "if_seq_no", "if_primary_term", "op_type", "pipeline",
        "retry_on_conflict", "require_alias", "_source", "require_data_stream", "list_executed_pipelines",
        "dynamic_templates", "_type",
    };

    /// <summary>Request-level validation (ActionRequestValidationException), before anything executes.</summary>
    public static void Validate(WriteRequest w)
    {
        var errors = new List<string>();
        if (w.OpType is "index" or "create" && w.Source is null)
        {
            errors.Add("source is missing");
        }

        if (w.OpType is "delete" or "update" && w.Id is null)
        {
            errors.Add("id is missing");
        }

        if (w.Id is not null && Encoding.UTF8.GetByteCount(w.Id) > 512)
        {
            errors.Add($"id [{w.Id}] is too long, must be no longer than 512 bytes but was: {Encoding.UTF8.GetByteCount(w.Id)}");
        }

        switch (w.VersionType)
        {
            case "internal":
                if (w.Version is not null)
                {
                    errors.Add("internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead");
                }

                break;
            case "external":
            case "external_gte":
                if (w.OpType == "create")
                {
                    errors.Add("create operations only support internal versioning. use index instead");
                }
                else if (w.OpType == "update")
                {
                    errors.Add("only internal versioning is supported for update operations");
                }
                else if (w.Version is null || w.Version < 0)
                {
                    errors.Add($"illegal version value [{w.Version ?? -3}] for version type [{w.VersionType.ToUpperInvariant()}]");
                }

                break;
            default:
                throw EsException.IllegalArgument($"No version type match [{w.VersionType}]");
        }

        if (w.IfSeqNo is not null || w.IfPrimaryTerm is not null)
        {
            if (w.VersionType != "internal" || w.Version is not null)
            {
                errors.Add("compare and write operations can not use versioning");
            }

            if (w.IfSeqNo is null)
            {
                errors.Add($"ifSeqNo is unassigned, but primary term is [{w.IfPrimaryTerm}]");
            }
            else if (w.IfSeqNo < 0)
            {
                errors.Add($"ifSeqNo [{w.IfSeqNo}] must be non negative");
            }
            else if (w.IfPrimaryTerm is null or 0)
            {
                errors.Add("ifSeqNo is set, but primary term is [0]");
            }
        }

        if (errors.Count > 0)
        {
            throw EsException.Validation(errors.ToArray());
        }
    }

    /// <summary>Executes one write; item-level failures are thrown as <see cref="EsException"/>.</summary>
    public (EsIndex Index, JsonObject Body, int Status) ExecuteWrite(WriteRequest w)
    {
        var autoCreate = w.OpType != "delete" || w.VersionType != "internal";
        var (index, aliasRouting) = ResolveForWrite(w.IndexName, autoCreate, w.RequireAlias);
        if (aliasRouting is not null && w.Routing is not null && aliasRouting != w.Routing)
        {
            throw EsException.IllegalArgument(
                $"Alias [{w.IndexName}] has index routing associated with it [{aliasRouting}], and was provided with routing value [{w.Routing}], rejecting operation");
        }

        var routing = w.Routing ?? aliasRouting;
        if (routing is not null && index.NumberOfShards > 1)
        {
            throw EsException.Unsupported("custom routing on indices with more than one shard (shards are not modelled)");
        }
        if (!ActiveShardsSatisfied(w.WaitForActiveShards, 1 + index.NumberOfReplicas))
        {
            throw new EsException(503, "unavailable_shards_exception",
                $"[{index.Name}][0] Not enough active copies to meet shard count of [{w.WaitForActiveShards!.ToUpperInvariant()}] (have 1, needed {1 + index.NumberOfReplicas}). Timeout: [1m]");
        }

        return w.OpType switch
        {
            "delete" => Delete(index, w),
            "update" => Update(index, w, routing),
            _ => IndexDoc(index, w, w.Id ?? NewDocId(), w.Id is null || w.OpType == "create", w.Source!.Value, routing),
        };
    }

    private static JsonElement ToElement(JsonNode node) => JsonUtil.ParseElement(node.ToJsonString(JsonUtil.Compact));

    private (EsIndex, JsonObject, int) IndexDoc(EsIndex index, WriteRequest w, string id, bool create, JsonElement element, string? routing)
    {
        var (values, mapping) = index.Mapping.ParseDocument(id, element, index.TotalFieldsLimit);
        index.Mapping = mapping;

        var current = index.Docs.GetValueOrDefault(id);
        var exists = current is { Deleted: false };
        CheckSeqNo(index, id, current, w);
        if (create && exists)
        {
            throw EsException.VersionConflict(index.Name, index.Uuid, id, $"document already exists (current version [{current!.Version}])");
        }

        var version = NextVersion(index, id, current, w);
        var doc = Write(index, id, element, version, deleted: false, values, routing);
        return (index, WriteBody(index, doc, exists ? "updated" : "created"), exists ? 200 : 201);
    }

    private (EsIndex, JsonObject, int) Delete(EsIndex index, WriteRequest w)
    {
        var id = w.Id!;
        var current = index.Docs.GetValueOrDefault(id);
        var exists = current is { Deleted: false };
        CheckSeqNo(index, id, current, w);
        var version = NextVersion(index, id, current, w);
        var doc = Write(index, id, default, version, deleted: true, new Dictionary<string, List<FieldValue>>(), w.Routing);
        return (index, WriteBody(index, doc, exists ? "deleted" : "not_found"), exists ? 200 : 404);
    }

    private (EsIndex, JsonObject, int) Update(EsIndex index, WriteRequest w, string? routing)
    {
        var id = w.Id!;
        var body = w.UpdateBody ?? throw EsException.Validation("script or doc is missing");
        JsonObject? partial = null, upsert = null;
        var docAsUpsert = false;
        var detectNoop = true;
        SourceFilter? fetch = w.ResponseSource;
        foreach (var (k, v) in body)
        {
            switch (k)
            {
                case "doc":
                    partial = JsonUtil.ExpectObject(v, "doc");
                    break;
                case "upsert":
                    upsert = JsonUtil.ExpectObject(v, "upsert");
                    break;
                case "doc_as_upsert":
                    docAsUpsert = JsonUtil.ToBool(v, k);
                    break;
                case "detect_noop":
                    detectNoop = JsonUtil.ToBool(v, k);
                    break;
                case "_source":
                    fetch = SourceFilter.FromJson(v);
                    break;
                case "script":
                case "scripted_upsert":
                case "params":
                case "lang":
                    throw EsException.Unsupported($"update [{k}] (scripts)");
                default:
                    throw EsException.XContentParse($"[1:2] [UpdateRequest] unknown field [{k}]");
            }
        }

        if (partial is null)
        {
            throw EsException.Validation("script or doc is missing");
        }

        var current = index.Docs.GetValueOrDefault(id);
        var exists = current is { Deleted: false };
        if (!exists)
        {
            if (w.IfSeqNo is not null)
            {
                CheckSeqNo(index, id, current, w);
            }

            var newSource = upsert ?? (docAsUpsert ? partial : null);
            if (newSource is null)
            {
                throw EsException.DocumentMissing(index.Name, index.Uuid, id);
            }

            var (i, created, status) = IndexDoc(index, w with { OpType = "create", Version = null, IfSeqNo = null, IfPrimaryTerm = null },
                id, create: true, ToElement(newSource), routing);
            AddGet(created, index.Docs[id], fetch);
            return (i, created, status);
        }

        CheckSeqNo(index, id, current, w);
        var original = JsonNode.Parse(current!.Source.GetRawText())!.AsObject();
        var merged = (JsonObject)original.DeepClone();
        var changed = MergeInto(merged, partial);
        if (detectNoop && !changed)
        {
            var noop = new JsonObject
            {
                ["_index"] = index.Name,
                ["_id"] = id,
                ["_version"] = current.Version,
                ["result"] = "noop",
                ["_shards"] = Shards(0, 0),
                ["_seq_no"] = current.SeqNo,
                ["_primary_term"] = current.PrimaryTerm,
            };
            AddGet(noop, current, fetch);
            return (index, noop, 200);
        }

        var (ix, updated, code) = IndexDoc(index, w with { OpType = "index", IfSeqNo = null, IfPrimaryTerm = null }, id, create: false, ToElement(merged), routing ?? current.Routing);
        AddGet(updated, index.Docs[id], fetch);
        return (ix, updated, code);
    }

    private static void AddGet(JsonObject body, Doc doc, SourceFilter? fetch)
    {
        if (fetch is null || !fetch.Fetch)
        {
            return;
        }

        body["get"] = new JsonObject
        {
            ["_seq_no"] = doc.SeqNo,
            ["_primary_term"] = doc.PrimaryTerm,
            ["found"] = true,
            ["_source"] = fetch.Apply(doc.Source),
        };
    }

    /// <summary>Deep-merges a partial document (objects merge, everything else replaces); true if anything changed.</summary>
    private static bool MergeInto(JsonObject target, JsonObject partial)
    {
        var changed = false;
        foreach (var (k, v) in partial)
        {
            if (v is JsonObject po && target[k] is JsonObject to)
            {
                changed |= MergeInto(to, po);
                continue;
            }

            if (!target.ContainsKey(k) || !JsonUtil.DeepEquals(target[k], v))
            {
                target[k] = v?.DeepClone();
                changed = true;
            }
        }

        return changed;
    }

    private static void CheckSeqNo(EsIndex index, string id, Doc? current, WriteRequest w)
    {
        if (w.IfSeqNo is not { } seqNo)
        {
            return;
        }

        var term = w.IfPrimaryTerm ?? 0;
        if (current is null || current.Deleted)
        {
            throw EsException.VersionConflict(index.Name, index.Uuid, id,
                $"required seqNo [{seqNo}], primary term [{term}]. but no document was found");
        }

        if (current.SeqNo != seqNo || current.PrimaryTerm != term)
        {
            throw EsException.VersionConflict(index.Name, index.Uuid, id,
                $"required seqNo [{seqNo}], primary term [{term}]. current document has seqNo [{current.SeqNo}] and primary term [{current.PrimaryTerm}]");
        }
    }

    /// <summary>Version of the new document/tombstone; tombstones keep counting (gc_deletes is not modelled).</summary>
    private static long NextVersion(EsIndex index, string id, Doc? current, WriteRequest w)
    {
        switch (w.VersionType)
        {
            case "external":
                if (current is not null && w.Version!.Value <= current.Version)
                {
                    throw EsException.VersionConflict(index.Name, index.Uuid, id,
                        $"current version [{current.Version}] is higher or equal to the one provided [{w.Version}]");
                }

                return w.Version!.Value;
            case "external_gte":
                if (current is not null && w.Version!.Value < current.Version)
                {
                    throw EsException.VersionConflict(index.Name, index.Uuid, id,
                        $"current version [{current.Version}] is higher than the one provided [{w.Version}]");
                }

                return w.Version!.Value;
            default:
                return current is null ? 1 : current.Version + 1;
        }
    }

    private static Doc Write(EsIndex index, string id, JsonElement source, long version, bool deleted, Dictionary<string, List<FieldValue>> fields, string? routing)
    {
        var doc = new Doc
        {
            Id = id,
            Source = source,
            Version = version,
            SeqNo = index.NextSeqNo(),
            PrimaryTerm = index.PrimaryTerm,
            Deleted = deleted,
            Order = index.NextOrder(),
            Routing = routing,
            Fields = fields,
        };
        index.Docs[id] = doc;
        index.MarkDirty();
        return doc;
    }

    private static JsonObject WriteBody(EsIndex index, Doc doc, string result) => new()
    {
        ["_index"] = index.Name,
        ["_id"] = doc.Id,
        ["_version"] = doc.Version,
        ["result"] = result,
        ["_shards"] = Shards(1 + index.NumberOfReplicas, 1),
        ["_seq_no"] = doc.SeqNo,
        ["_primary_term"] = doc.PrimaryTerm,
    };

    // ------------------------------------------------------------------------------------------
    // Reads.
    // ------------------------------------------------------------------------------------------

    /// <summary>Real-time get (or as of the last refresh with realtime=false).</summary>
    public (int Status, JsonObject Body) GetDocument(EsIndex index, string id, bool realtime, SourceFilter filter, long? version, string versionType)
    {
        var doc = realtime ? index.Docs.GetValueOrDefault(id) : index.SearchableById(id);
        if (doc is null || doc.Deleted)
        {
            return (404, new JsonObject { ["_index"] = index.Name, ["_id"] = id, ["found"] = false });
        }

        if (version is { } v)
        {
            var conflict = versionType switch
            {
                "external" or "external_gte" => doc.Version != v,
                _ => doc.Version != v,
            };
            if (conflict)
            {
                throw EsException.VersionConflict(index.Name, index.Uuid, id,
                    $"current version [{doc.Version}] is different than the one provided [{v}]");
            }
        }

        var body = new JsonObject
        {
            ["_index"] = index.Name,
            ["_id"] = id,
            ["_version"] = doc.Version,
            ["_seq_no"] = doc.SeqNo,
            ["_primary_term"] = doc.PrimaryTerm,
            ["found"] = true,
        };
        if (doc.Routing is not null)
        {
            body["_routing"] = doc.Routing;
        }

        if (filter.Apply(doc.Source) is { } source)
        {
            body["_source"] = source;
        }

        return (200, body);
    }

    public JsonObject MultiGet(string? defaultIndex, JsonNode? body, bool realtime, bool refresh, SourceFilter? defaultFilter)
    {
        var obj = body as JsonObject ?? throw EsException.Validation("no documents to get");
        var items = new List<(string? Index, string? Id, SourceFilter Filter, long? Version, string VersionType)>();
        foreach (var (k, v) in obj)
        {
            switch (k)
            {
                case "docs":
                    foreach (var d in v as JsonArray ?? throw EsException.Parsing("docs array element should include an object"))
                    {
                        var doc = JsonUtil.ExpectObject(d, "docs");
                        string? index = defaultIndex, id = null, versionType = "internal";
                        long? version = null;
                        var filter = defaultFilter ?? SourceFilter.All;
                        foreach (var (dk, dv) in doc)
                        {
                            switch (dk)
                            {
                                case "_index":
                                    index = JsonUtil.ScalarText(dv);
                                    break;
                                case "_id":
                                    id = JsonUtil.ScalarText(dv);
                                    break;
                                case "_source":
                                    filter = SourceFilter.FromJson(dv);
                                    break;
                                case "routing":
                                case "_routing":
                                    break;
                                case "version":
                                    version = long.Parse(JsonUtil.ScalarText(dv), System.Globalization.CultureInfo.InvariantCulture);
                                    break;
                                case "version_type":
                                    versionType = JsonUtil.ScalarText(dv);
                                    break;
                                case "stored_fields":
                                    throw EsException.Unsupported("mget [stored_fields]");
                                default:
                                    throw EsException.Parsing($"Unknown key for a {(dv is JsonArray ? "START_ARRAY" : "VALUE_STRING")} in [{dk}].");
                            }
                        }

                        items.Add((index, id, filter, version, versionType));
                    }

                    break;
                case "ids":
                    foreach (var id in v as JsonArray ?? throw EsException.Parsing("ids array element should only contain ids"))
                    {
                        items.Add((defaultIndex, JsonUtil.ScalarText(id), defaultFilter ?? SourceFilter.All, null, "internal"));
                    }

                    break;
                default:
                    throw EsException.Parsing($"Unknown key for a {(v is JsonArray ? "START_ARRAY" : "VALUE_STRING")} in [{k}].");
            }
        }

        var errors = new List<string>();
        if (items.Count == 0)
        {
            errors.Add("no documents to get");
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Index is null)
            {
                errors.Add($"index is missing for doc {i}");
            }

            if (items[i].Id is null)
            {
                errors.Add($"id is missing for doc {i}");
            }
        }

        if (errors.Count > 0)
        {
            throw EsException.Validation(errors.ToArray());
        }

        var docs = new JsonArray();
        foreach (var (indexName, id, filter, version, versionType) in items)
        {
            try
            {
                var index = ResolveSingleForRead(indexName!);
                if (refresh)
                {
                    index.Refresh();
                }

                docs.Add(GetDocument(index, id!, realtime, filter, version, versionType).Body);
            }
            catch (EsException e)
            {
                docs.Add(new JsonObject { ["_index"] = indexName, ["_id"] = id, ["error"] = e.ToErrorObject(false) });
            }
        }

        return new JsonObject { ["docs"] = docs };
    }

    // ------------------------------------------------------------------------------------------
    // Bulk.
    // ------------------------------------------------------------------------------------------

    private sealed record BulkItem(string Action, WriteRequest? Request, EsException? Error, string? Index, string? Id);

    public JsonObject Bulk(EsRequest request, string? defaultIndex, bool refreshForced, bool refreshWaitFor)
    {
        var started = Stopwatch.GetTimestamp();
        var items = ParseBulk(request, defaultIndex);
        var results = new JsonArray();
        var errors = false;
        var touched = new HashSet<EsIndex>();
        foreach (var item in items)
        {
            JsonObject body;
            var action = item.Action;
            if (item.Error is not null)
            {
                body = ItemError(item.Index, item.Id, item.Error);
                errors = true;
            }
            else
            {
                try
                {
                    var (index, result, status) = ExecuteWrite(item.Request!);
                    touched.Add(index);
                    body = result;
                    body["status"] = status;
                    if (refreshForced)
                    {
                        body["forced_refresh"] = true;
                    }
                }
                catch (EsException e)
                {
                    body = ItemError(item.Index, item.Request!.Id, e);
                    errors = true;
                }
            }

            results.Add(new JsonObject { [action] = body });
        }

        if (refreshForced || refreshWaitFor)
        {
            foreach (var index in touched)
            {
                index.Refresh();
            }
        }

        return new JsonObject
        {
            ["errors"] = errors,
            ["took"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            ["items"] = results,
        };
    }

    private static JsonObject ItemError(string? index, string? id, EsException e) => new()
    {
        ["_index"] = index,
        ["_id"] = id,
        ["status"] = e.Status,
        ["error"] = e.ToErrorObject(false),
    };

    private static List<BulkItem> ParseBulk(EsRequest request, string? defaultIndex)
    {
        var text = Encoding.UTF8.GetString(request.Body);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw EsException.IllegalArgument("The bulk request must be terminated by a newline [\\n]");
        }

        var lines = text.Split('\n');
        var defaultRouting = request.Param("routing");
        var defaultRequireAlias = request.Flag("require_alias", false);
        var defaultSource = SourceFilter.FromParams(request);
        var waitFor = request.Param("wait_for_active_shards");
        var items = new List<BulkItem>();
        var validationErrors = new List<string>();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i].Trim();
            var lineNo = i + 1;
            i++;
            if (line.Length == 0)
            {
                continue;
            }

            JsonNode? parsed;
            try
            {
                parsed = JsonUtil.Parse(Encoding.UTF8.GetBytes(line));
            }
            catch (EsException e)
            {
                throw EsException.IllegalArgument($"Malformed action/metadata line [{lineNo}], {e.Reason}");
            }

            if (parsed is not JsonObject actionObj)
            {
                throw EsException.IllegalArgument(
                    $"Malformed action/metadata line [{lineNo}], expected START_OBJECT or END_OBJECT but found [{TokenName(parsed)}]");
            }

            if (actionObj.Count == 0)
            {
                throw EsException.IllegalArgument($"Malformed action/metadata line [{lineNo}], expected FIELD_NAME but found [END_OBJECT]");
            }

            var (action, metaNode) = actionObj.First();
            if (action is not ("index" or "create" or "update" or "delete"))
            {
                throw EsException.IllegalArgument(
                    $"Malformed action/metadata line [{lineNo}], expected one of [create, delete, index, update] but found [{action}]");
            }

            if (metaNode is not JsonObject meta)
            {
                throw EsException.IllegalArgument(
                    $"Malformed action/metadata line [{lineNo}], expected START_OBJECT but found [{TokenName(metaNode)}]");
            }

            if (actionObj.Count > 1)
            {
                throw EsException.IllegalArgument($"Malformed action/metadata line [{lineNo}], expected END_OBJECT but found [FIELD_NAME]");
            }

            string? index = defaultIndex, id = null, routing = defaultRouting, versionType = null, opType = null;
            long? version = null, ifSeqNo = null, ifPrimaryTerm = null;
            var requireAlias = defaultRequireAlias;
            var source = defaultSource;
            foreach (var (k, v) in meta)
            {
                if (!BulkMetaKeys.Contains(k))
                {
                    throw EsException.IllegalArgument($"Action/metadata line [{lineNo}] contains an unknown parameter [{k}]");
                }

                switch (k)
                {
                    case "_index":
                        index = JsonUtil.ScalarText(v);
                        break;
                    case "_id":
                        id = v is null ? null : JsonUtil.ScalarText(v);
                        break;
                    case "routing":
                        routing = JsonUtil.ScalarText(v);
                        break;
                    case "version":
                        version = ParseLong(v, k);
                        break;
                    case "version_type":
                        versionType = JsonUtil.ScalarText(v);
                        break;
                    case "if_seq_no":
                        ifSeqNo = ParseLong(v, k);
                        break;
                    case "if_primary_term":
                        ifPrimaryTerm = ParseLong(v, k);
                        break;
                    case "op_type":
                        opType = JsonUtil.ScalarText(v);
                        break;
                    case "require_alias":
                        requireAlias = JsonUtil.ToBool(v, k);
                        break;
                    case "_source":
                        source = SourceFilter.FromJson(v);
                        break;
                    case "pipeline":
                        throw EsException.Unsupported("ingest pipelines");
                    case "_type":
                        throw EsException.IllegalArgument($"Action/metadata line [{lineNo}] contains an unknown parameter [_type]");
                    case "dynamic_templates":
                        throw EsException.Unsupported("bulk [dynamic_templates]");
                    default:
                        break;
                }
            }

            JsonNode? sourceNode = null;
            JsonElement? sourceElement = null;
            string? sourceError = null;
            if (action != "delete")
            {
                if (i >= lines.Length || lines[i].Trim().Length == 0 && i == lines.Length - 1)
                {
                    throw EsException.IllegalArgument("The bulk request must be terminated by a newline [\\n]");
                }

                var sourceLine = lines[i];
                i++;
                try
                {
                    if (action == "update")
                    {
                        sourceNode = JsonUtil.Parse(Encoding.UTF8.GetBytes(sourceLine));
                    }
                    else
                    {
                        sourceElement = JsonUtil.ParseElement(Encoding.UTF8.GetBytes(sourceLine));
                    }
                }
                catch (EsException e)
                {
                    sourceError = e.Reason;
                }
            }

            var effectiveAction = action == "index" && opType == "create" ? "create" : action;
            if (opType is not null && opType is not ("index" or "create"))
            {
                throw EsException.IllegalArgument($"opType must be 'create' or 'index', found: [{opType}]");
            }

            if (index is null)
            {
                throw EsException.Validation("index is missing");
            }

            if (id is { Length: 0 })
            {
                items.Add(new BulkItem(effectiveAction, null, EsException.IllegalArgument("if _id is specified it must not be empty"), index, id));
                continue;
            }

            if (sourceError is not null)
            {
                items.Add(new BulkItem(effectiveAction, null, EsException.DocumentParsing(sourceError), index, id));
                continue;
            }

            if (action is "index" or "create" && sourceElement is not { ValueKind: JsonValueKind.Object })
            {
                items.Add(new BulkItem(effectiveAction, null, EsException.DocumentParsing("[1:1] failed to parse: root value must be an object"), index, id));
                continue;
            }

            var w = new WriteRequest
            {
                OpType = effectiveAction,
                IndexName = index,
                Id = id,
                Source = action is "index" or "create" ? sourceElement : null,
                UpdateBody = action == "update" ? sourceNode as JsonObject : null,
                Version = version,
                VersionType = versionType ?? "internal",
                IfSeqNo = ifSeqNo,
                IfPrimaryTerm = ifPrimaryTerm,
                Routing = routing,
                RequireAlias = requireAlias,
                WaitForActiveShards = waitFor,
                ResponseSource = source,
            };
            try
            {
                Validate(w);
            }
            catch (EsException e) when (e.Type == "action_request_validation_exception")
            {
                validationErrors.AddRange(e.Reason["Validation Failed: ".Length..].Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(x => x[(x.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
            }

            items.Add(new BulkItem(effectiveAction, w, null, index, id));
        }

        if (items.Count == 0)
        {
            validationErrors.Insert(0, "no requests added");
        }

        // BulkRequest.validate: any invalid item fails the whole request before anything executes.
        if (validationErrors.Count > 0)
        {
            throw EsException.Validation(validationErrors.ToArray());
        }

        return items;
    }

    private static long ParseLong(JsonNode? v, string name)
    {
        var text = JsonUtil.ScalarText(v);
        return JsonUtil.TryLong(text, out var l)
            ? l
            : throw EsException.IllegalArgument($"Failed to parse value [{text}] for [{name}]");
    }

    private static string TokenName(JsonNode? n) => JsonUtil.Kind(n) switch
    {
        JsonValueKind.Array => "START_ARRAY",
        JsonValueKind.String => "VALUE_STRING",
        JsonValueKind.Number => "VALUE_NUMBER",
        JsonValueKind.True or JsonValueKind.False => "VALUE_BOOLEAN",
        JsonValueKind.Null => "VALUE_NULL",
        _ => "START_OBJECT",
    };
}
