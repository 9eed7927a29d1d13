using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>
/// An Elasticsearch error: rendered as <c>{"error":{"root_cause":[...],"type":...,"reason":...},"status":N}</c>,
/// or as an item-level error object inside bulk/mget responses.
/// </summary>
internal sealed class EsException : Exception
{
    public EsException(int status, string type, string reason, EsException? causedBy = null)
        : base(reason)
    {
        Status = status;
        Type = type;
        Reason = reason;
        CausedBy = causedBy;
    }

    public int Status { get; }

    public string Type { get; }

    public string Reason { get; }

    public EsException? CausedBy { get; }

    /// <summary>Extra fields printed after <c>reason</c> (index, index_uuid, resource.type, shard, ...).</summary>
    public JsonObject Metadata { get; } = new();

    /// <summary>Root causes to print instead of this exception itself (search phase failures).</summary>
    public IReadOnlyList<EsException>? RootCauses { get; init; }

    /// <summary>Additional top-level fields of the error object (phase, grouped, failed_shards).</summary>
    public JsonObject? Extra { get; init; }

    /// <summary>A complete error body replacing the standard shape (e.g. the get-alias 404 or 405).</summary>
    public JsonObject? CustomBody { get; init; }

    public EsException With(string key, JsonNode? value)
    {
        Metadata[key] = value;
        return this;
    }

    public EsException WithIndex(string index, string? uuid = null)
    {
        Metadata["index_uuid"] = uuid ?? "_na_";
        Metadata["index"] = index;
        return this;
    }

    public JsonObject ToErrorObject(bool withRootCause)
    {
        var o = new JsonObject();
        if (withRootCause)
        {
            var roots = new JsonArray();
            foreach (var root in RootCauses ?? [this])
            {
                roots.Add(root.Render(withCause: false));
            }

            o["root_cause"] = roots;
        }

        AppendBody(o, withCause: true);
        return o;
    }

    private JsonObject Render(bool withCause)
    {
        var o = new JsonObject();
        AppendBody(o, withCause);
        return o;
    }

    private void AppendBody(JsonObject o, bool withCause)
    {
        o["type"] = Type;
        o["reason"] = Reason;
        foreach (var (k, v) in Metadata)
        {
            o[k] = v?.DeepClone();
        }

        if (Extra is not null)
        {
            foreach (var (k, v) in Extra)
            {
                o[k] = v?.DeepClone();
            }
        }

        if (withCause && CausedBy is not null)
        {
            o["caused_by"] = CausedBy.Render(withCause: true);
        }
    }

    public JsonObject ToResponseBody()
    {
        if (CustomBody is not null)
        {
            return (JsonObject)CustomBody.DeepClone();
        }

        return new JsonObject { ["error"] = ToErrorObject(true), ["status"] = Status };
    }

    // ------------------------------------------------------------------------------------------
    // Factories for the errors Elasticsearch returns.
    // ------------------------------------------------------------------------------------------

    public static EsException IllegalArgument(string reason, EsException? causedBy = null) =>
        new(400, "illegal_argument_exception", reason, causedBy);

    public static EsException IllegalState(string reason) => new(500, "illegal_state_exception", reason);

    public static EsException Parsing(string reason) => new(400, "parsing_exception", reason);

    public static EsException XContentParse(string reason) => new(400, "x_content_parse_exception", reason);

    /// <summary>Something Elasticsearch supports but this test server deliberately does not.</summary>
    public static EsException Unsupported(string what) =>
        new(400, "illegal_argument_exception", $"[elasticsearch test server] {what} is not supported by the test server");

    public static EsException Validation(params string[] errors)
    {
        var reason = "Validation Failed: " + string.Concat(errors.Select((e, i) => $"{i + 1}: {e};"));
        return new EsException(400, "action_request_validation_exception", reason);
    }

    public static EsException IndexNotFound(string index, string resourceType = "index_or_alias")
    {
        var e = new EsException(404, "index_not_found_exception", $"no such index [{index}]");
        e.Metadata["resource.type"] = resourceType;
        e.Metadata["resource.id"] = index;
        e.Metadata["index_uuid"] = "_na_";
        e.Metadata["index"] = index;
        return e;
    }

    /// <summary>IndexNotFoundException((String) null): no single index to name.</summary>
    public static EsException IndexNotFoundNull(IReadOnlyList<string> expressions, string suffix = "")
    {
        var e = new EsException(404, "index_not_found_exception", "no such index [null]" + suffix);
        e.Metadata["resource.type"] = "index_expression";
        e.Metadata["resource.id"] = expressions.Count == 1
            ? JsonValue.Create(expressions[0])
            : new JsonArray(expressions.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        return e;
    }

    public static EsException InvalidIndexName(string index, string reason)
    {
        var e = new EsException(400, "invalid_index_name_exception", $"Invalid index name [{index}], {reason}");
        e.Metadata["index_uuid"] = "_na_";
        e.Metadata["index"] = index;
        return e;
    }

    public static EsException InvalidAliasName(string alias, string reason) =>
        new(400, "invalid_alias_name_exception", $"Invalid alias name [{alias}]: {reason}");

    public static EsException ResourceAlreadyExists(string index, string uuid)
    {
        var e = new EsException(400, "resource_already_exists_exception", $"index [{index}/{uuid}] already exists");
        e.Metadata["index_uuid"] = uuid;
        e.Metadata["index"] = index;
        return e;
    }

    public static EsException IndexClosed(string index, string uuid)
    {
        var e = new EsException(400, "index_closed_exception", "closed");
        e.Metadata["index_uuid"] = uuid;
        e.Metadata["index"] = index;
        return e;
    }

    public static EsException VersionConflict(string index, string uuid, string id, string detail)
    {
        var e = new EsException(409, "version_conflict_engine_exception", $"[{id}]: version conflict, {detail}");
        e.Metadata["index_uuid"] = uuid;
        e.Metadata["shard"] = "0";
        e.Metadata["index"] = index;
        return e;
    }

    public static EsException DocumentMissing(string index, string uuid, string id)
    {
        var e = new EsException(404, "document_missing_exception", $"[{id}]: document missing");
        e.Metadata["index_uuid"] = uuid;
        e.Metadata["shard"] = "0";
        e.Metadata["index"] = index;
        return e;
    }

    public static EsException MapperParsing(string reason, EsException? causedBy = null) =>
        new(400, "mapper_parsing_exception", reason, causedBy);

    public static EsException DocumentParsing(string reason, EsException? causedBy = null) =>
        new(400, "document_parsing_exception", reason, causedBy);
}
