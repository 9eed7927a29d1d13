using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

internal sealed record RestResponse(int Status, JsonNode? Body);

internal delegate RestResponse RestHandler(EsRequest request, IReadOnlyDictionary<string, string> parts);

internal sealed record Route(
    string Template,
    string[] Methods,
    IReadOnlySet<string> Params,
    bool BodyAllowed,
    RestHandler Handler,
    IReadOnlySet<string> Capabilities)
{
    public string[] Segments { get; } = Template.Trim('/').Length == 0 ? [] : Template.Trim('/').Split('/');
}

/// <summary>The REST endpoints the test server implements, with the parameters each accepts.</summary>
internal sealed class RestApi
{
    private static readonly HashSet<string> GlobalParams = new(StringComparer.Ordinal) { "pretty", "human", "error_trace" };

    /// <summary>Parameters Elasticsearch knows that this server rejects rather than silently ignoring.</summary>
    private static readonly HashSet<string> KnownButUnsupported = new(StringComparer.Ordinal)
    {
        "filter_path", "pipeline", "q", "scroll", "docvalue_fields", "suggest_field", "suggest_mode", "suggest_size",
        "suggest_text", "include_named_queries_score", "force_synthetic_source", "format", "include_type_name",
        "stored_fields", "lang", "explain", "stats", "ccs_minimize_roundtrips", "require_data_stream", "dfs",
    };

    private static readonly string[] SearchParams =
    [
        "analyzer", "analyze_wildcard", "ccs_minimize_roundtrips", "default_operator", "df", "explain", "stored_fields",
        "from", "ignore_unavailable", "ignore_throttled", "allow_no_indices", "expand_wildcards", "lenient", "preference",
        "routing", "search_type", "size", "sort", "_source", "_source_excludes", "_source_includes", "terminate_after",
        "timeout", "track_scores", "track_total_hits", "allow_partial_search_results", "typed_keys", "version",
        "seq_no_primary_term", "request_cache", "batched_reduce_size", "max_concurrent_shard_requests",
        "pre_filter_shard_size", "rest_total_hits_as_int", "min_compatible_shard_node", "source", "source_content_type",
    ];

    private readonly Cluster _cluster;

    public RestApi(Cluster cluster)
    {
        _cluster = cluster;
        var routes = new List<Route>();

        void Add(string template, string methods, string parameters, RestHandler handler, bool body = false, string capabilities = "")
        {
            routes.Add(new Route(
                template,
                methods.Split(','),
                parameters.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
                body,
                handler,
                capabilities.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal)));
        }

        const string indicesOpts = "ignore_unavailable,allow_no_indices,expand_wildcards";
        const string healthParams = "expand_wildcards,level,local,master_timeout,timeout,wait_for_active_shards,wait_for_nodes,wait_for_events,wait_for_no_relocating_shards,wait_for_no_initializing_shards,wait_for_status";
        const string getParams = "force_synthetic_source,stored_fields,preference,realtime,refresh,routing,_source,_source_excludes,_source_includes,version,version_type";
        const string indexParams = "wait_for_active_shards,op_type,refresh,routing,timeout,version,version_type,if_seq_no,if_primary_term,pipeline,require_alias,require_data_stream,include_source_on_error";
        var searchParams = string.Join(',', SearchParams);

        Add("/", "GET,HEAD", "", Info);
        Add("/_cluster/health", "GET", healthParams, Health, capabilities: "unassigned_pri_shard_count");
        Add("/_cluster/health/{index}", "GET", healthParams, Health, capabilities: "unassigned_pri_shard_count");
        Add("/_capabilities", "GET", "method,path,parameters,capabilities,local_only,timeout", Capabilities);

        Add("/{index}", "PUT", "wait_for_active_shards,timeout,master_timeout", CreateIndex, body: true, capabilities: "lookup_index_mode");
        Add("/{index}", "DELETE", "timeout,master_timeout," + indicesOpts, DeleteIndex);
        Add("/{index}", "GET,HEAD", "local,features,flat_settings,include_defaults,master_timeout," + indicesOpts, GetIndex);
        Add("/_mapping", "GET", "master_timeout,local," + indicesOpts, GetMapping);
        Add("/{index}/_mapping", "GET", "master_timeout,local," + indicesOpts, GetMapping);
        Add("/{index}/_mapping", "PUT,POST", "timeout,master_timeout,write_index_only," + indicesOpts, PutMapping, body: true);
        Add("/_settings", "GET", "master_timeout,flat_settings,local,include_defaults," + indicesOpts, GetSettings);
        Add("/_settings/{name}", "GET", "master_timeout,flat_settings,local,include_defaults," + indicesOpts, GetSettings);
        Add("/{index}/_settings", "GET", "master_timeout,flat_settings,local,include_defaults," + indicesOpts, GetSettings);
        Add("/{index}/_settings/{name}", "GET", "master_timeout,flat_settings,local,include_defaults," + indicesOpts, GetSettings);
        Add("/_settings", "PUT", "master_timeout,timeout,preserve_existing,reopen,flat_settings," + indicesOpts, PutSettings, body: true);
        Add("/{index}/_settings", "PUT", "master_timeout,timeout,preserve_existing,reopen,flat_settings," + indicesOpts, PutSettings, body: true);
        Add("/_refresh", "POST,GET", indicesOpts, Refresh);
        Add("/{index}/_refresh", "POST,GET", indicesOpts, Refresh);
        Add("/{index}/_close", "POST", "timeout,master_timeout,wait_for_active_shards," + indicesOpts, Close);
        Add("/{index}/_open", "POST", "timeout,master_timeout,wait_for_active_shards," + indicesOpts, Open);

        Add("/_alias", "GET", "master_timeout," + indicesOpts, GetAlias);
        Add("/_aliases", "GET", "master_timeout," + indicesOpts, GetAlias);
        Add("/_alias/{name}", "GET,HEAD", "master_timeout," + indicesOpts, GetAlias);
        Add("/{index}/_alias", "GET,HEAD", "master_timeout," + indicesOpts, GetAlias);
        Add("/{index}/_alias/{name}", "GET,HEAD", "master_timeout," + indicesOpts, GetAlias);
        Add("/_aliases", "POST", "timeout,master_timeout", UpdateAliases, body: true);
        Add("/{index}/_alias/{name}", "PUT,POST", "timeout,master_timeout", PutAlias, body: true);
        Add("/{index}/_aliases/{name}", "PUT,POST", "timeout,master_timeout", PutAlias, body: true);
        Add("/{index}/_alias/{name}", "DELETE", "timeout,master_timeout", DeleteAlias);
        Add("/{index}/_aliases/{name}", "DELETE", "timeout,master_timeout", DeleteAlias);

        Add("/{index}/_doc/{id}", "PUT,POST", indexParams, IndexDoc, body: true);
        Add("/{index}/_doc", "POST", indexParams, IndexDoc, body: true);
        Add("/{index}/_create/{id}", "PUT,POST", indexParams, CreateDoc, body: true);
        Add("/{index}/_doc/{id}", "GET,HEAD", getParams, GetDoc);
        Add("/{index}/_source/{id}", "GET,HEAD", getParams, GetSource);
        Add("/{index}/_doc/{id}", "DELETE", "wait_for_active_shards,refresh,routing,timeout,if_seq_no,if_primary_term,version,version_type", DeleteDoc);
        Add("/{index}/_update/{id}", "POST", "wait_for_active_shards,_source,_source_excludes,_source_includes,lang,refresh,retry_on_conflict,routing,timeout,if_seq_no,if_primary_term,require_alias,include_source_on_error", UpdateDoc, body: true);
        Add("/_mget", "GET,POST", getParams, MultiGet, body: true);
        Add("/{index}/_mget", "GET,POST", getParams, MultiGet, body: true);
        Add("/_bulk", "POST,PUT", "wait_for_active_shards,refresh,routing,timeout,_source,_source_excludes,_source_includes,pipeline,require_alias,require_data_stream,list_executed_pipelines,include_source_on_error", Bulk, body: true);
        Add("/{index}/_bulk", "POST,PUT", "wait_for_active_shards,refresh,routing,timeout,_source,_source_excludes,_source_includes,pipeline,require_alias,require_data_stream,list_executed_pipelines,include_source_on_error", Bulk, body: true);
        Add("/_search", "GET,POST", searchParams, Search, body: true);
        Add("/{index}/_search", "GET,POST", searchParams, Search, body: true);
        Add("/_count", "GET,POST", "ignore_unavailable,ignore_throttled,allow_no_indices,expand_wildcards,min_score,preference,routing,q,analyzer,analyze_wildcard,default_operator,df,lenient,terminate_after,source,source_content_type", Count, body: true);
        Add("/{index}/_count", "GET,POST", "ignore_unavailable,ignore_throttled,allow_no_indices,expand_wildcards,min_score,preference,routing,q,analyzer,analyze_wildcard,default_operator,df,lenient,terminate_after,source,source_content_type", Count, body: true);
        Routes = routes;
    }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>Routes the request, validates its parameters and runs the handler under the cluster lock.</summary>
    public RestResponse Dispatch(EsRequest request)
    {
        var path = "/" + string.Join('/', request.Segments);
        var candidates = new List<(Route Route, Dictionary<string, string> Parts, int Literals)>();
        foreach (var route in Routes)
        {
            if (route.Segments.Length != request.Segments.Count)
            {
                continue;
            }

            var parts = new Dictionary<string, string>(StringComparer.Ordinal);
            var literals = 0;
            var ok = true;
            for (var i = 0; i < route.Segments.Length && ok; i++)
            {
                var seg = route.Segments[i];
                if (seg.StartsWith('{'))
                {
                    ok = request.Segments[i].Length > 0;
                    parts[seg[1..^1]] = request.Segments[i];
                }
                else
                {
                    ok = seg == request.Segments[i];
                    literals++;
                }
            }

            if (ok)
            {
                candidates.Add((route, parts, literals));
            }
        }

        if (candidates.Count == 0)
        {
            if (request.Segments.Any(s => s.StartsWith('_')))
            {
                throw EsException.Unsupported($"endpoint [{request.Method} {path}]");
            }

            throw EsException.IllegalArgument($"no handler found for uri [{path}] and method [{request.Method}]");
        }

        var best = candidates.Max(c => c.Literals);
        var top = candidates.Where(c => c.Literals == best).ToList();
        var match = top.FirstOrDefault(c => c.Route.Methods.Contains(request.Method));
        if (match.Route is null)
        {
            var allowed = string.Join(", ", top.SelectMany(c => c.Route.Methods).Distinct());
            var message = $"Incorrect HTTP method for uri [{request.RawPath}] and method [{request.Method}], allowed: [{allowed}]";
            throw new EsException(405, "method_not_allowed", message)
            {
                CustomBody = new JsonObject { ["error"] = message, ["status"] = 405 },
            };
        }

        ValidateParams(request, match.Route, path);
        if (request.HasBody && !match.Route.BodyAllowed)
        {
            throw EsException.IllegalArgument($"request [{request.Method} {path}] does not support having a body");
        }

        lock (_cluster.Gate)
        {
            return match.Route.Handler(request, match.Parts);
        }
    }

    private static void ValidateParams(EsRequest request, Route route, string path)
    {
        var unknown = new List<string>();
        foreach (var name in request.Params.Keys)
        {
            if (GlobalParams.Contains(name) || route.Params.Contains(name))
            {
                continue;
            }

            if (name == "local" && request.CompatibleWith == 8 && route.Template.Contains("_alias", StringComparison.Ordinal))
            {
                request.Warnings.Add("the [?local] query parameter to get-aliases requests has no effect and will be removed in a future version");
                continue;
            }

            if (KnownButUnsupported.Contains(name))
            {
                throw EsException.Unsupported($"parameter [{name}] on [{request.Method} {route.Template}]");
            }

            unknown.Add(name);
        }

        if (unknown.Count == 1)
        {
            throw EsException.IllegalArgument($"request [{path}] contains unrecognized parameter: [{unknown[0]}]");
        }

        if (unknown.Count > 1)
        {
            throw EsException.IllegalArgument($"request [{path}] contains unrecognized parameters: [{string.Join("], [", unknown)}]");
        }

        // Parameters this server accepts in the route list but rejects when they change semantics.
        if (request.Param("pipeline") is { Length: > 0 })
        {
            throw EsException.Unsupported("ingest pipelines");
        }

        if (request.Param("q") is not null)
        {
            throw EsException.Unsupported("URI search ([q] parameter)");
        }

        if (request.Param("force_synthetic_source") is "true" or "")
        {
            throw EsException.Unsupported("[force_synthetic_source]");
        }

        if (request.Param("require_data_stream") is "true" or "")
        {
            throw EsException.Unsupported("data streams");
        }

        if (request.Param("explain") is "true" or "")
        {
            throw EsException.Unsupported("[explain]");
        }

        if (request.Param("lang") is { } lang && lang != "painless")
        {
            throw EsException.Unsupported("scripts");
        }

        if (request.Param("include_defaults") is "true" or "")
        {
            throw EsException.Unsupported("[include_defaults]");
        }

        if (request.Param("stored_fields") is { Length: > 0 } sf && sf != "_none_" &&
            (route.Template.Contains("_doc", StringComparison.Ordinal) || route.Template.Contains("_mget", StringComparison.Ordinal) ||
             route.Template.Contains("_source", StringComparison.Ordinal)))
        {
            throw EsException.Unsupported("[stored_fields] on get/mget");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Handlers.
    // ------------------------------------------------------------------------------------------

    private static RestResponse Ok(JsonNode body) => new(200, body);

    private RestResponse Info(EsRequest r, IReadOnlyDictionary<string, string> p) => Ok(_cluster.Info());

    private RestResponse Health(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var (status, body) = _cluster.Health(r, p.GetValueOrDefault("index"));
        return new RestResponse(status, body);
    }

    private RestResponse Capabilities(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var method = r.Param("method") ?? "GET";
        var path = r.Param("path") ?? "/";
        var parameters = IndexNames.SplitCommas(r.Param("parameters"));
        var capabilities = IndexNames.SplitCommas(r.Param("capabilities"));
        var supported = Routes.Any(route =>
            route.Template == path && route.Methods.Contains(method) &&
            parameters.All(x => route.Params.Contains(x) || GlobalParams.Contains(x)) &&
            capabilities.All(route.Capabilities.Contains));
        return Ok(new JsonObject { ["supported"] = supported });
    }

    private RestResponse CreateIndex(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.CreateIndex(p["index"], r.Json(), r.Param("wait_for_active_shards")));

    private RestResponse DeleteIndex(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.DeleteIndices(p["index"], IndicesOptions.DeleteIndex.WithParams(r)));

    private RestResponse GetIndex(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        if (r.HasParam("local"))
        {
            r.Flag("local", false);
            r.Warnings.Add("the [?local] query parameter to this API has no effect, is now deprecated, and will be removed in a future version");
        }

        var options = (r.Method == "HEAD" ? IndicesOptions.StrictExpand : IndicesOptions.StrictExpandOpen).WithParams(r);
        if (r.Method == "HEAD")
        {
            try
            {
                var found = _cluster.Resolve(p["index"], options);
                return new RestResponse(found.Count > 0 ? 200 : 404, null);
            }
            catch (EsException e) when (e.Status == 404)
            {
                return new RestResponse(404, null);
            }
        }

        var features = r.Param("features") is { } f
            ? IndexNames.SplitCommas(f).Select(x => x.Trim('_')).ToHashSet(StringComparer.Ordinal)
            : ["aliases", "mappings", "settings"];
        foreach (var feature in features)
        {
            if (feature is not ("aliases" or "mappings" or "settings"))
            {
                throw EsException.IllegalArgument($"No feature for name [{feature}]");
            }
        }

        var targets = _cluster.Resolve(p["index"], options);
        return Ok(_cluster.GetIndices(targets, r.Flag("flat_settings", false), features));
    }

    private RestResponse GetMapping(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        if (r.HasParam("local"))
        {
            r.Flag("local", false);
            r.Warnings.Add("the [?local] query parameter to this API has no effect, is now deprecated, and will be removed in a future version");
        }

        var targets = _cluster.Resolve(p.GetValueOrDefault("index"), IndicesOptions.StrictExpandOpen.WithParams(r));
        var o = new JsonObject();
        foreach (var t in targets.OrderBy(t => t.Index.Name, StringComparer.Ordinal))
        {
            o[t.Index.Name] = new JsonObject { ["mappings"] = t.Index.Mapping.Root.DeepClone() };
        }

        return Ok(o);
    }

    private RestResponse PutMapping(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var targets = _cluster.Resolve(p["index"], IndicesOptions.Update.WithParams(r));
        return Ok(_cluster.PutMapping(targets, r.Json()));
    }

    private RestResponse GetSettings(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        if (r.HasParam("local"))
        {
            r.Flag("local", false);
        }

        var targets = _cluster.Resolve(p.GetValueOrDefault("index"), IndicesOptions.StrictExpandOpen.WithParams(r));
        var names = IndexNames.SplitCommas(p.GetValueOrDefault("name"));
        var flat = r.Flag("flat_settings", false);
        var o = new JsonObject();
        foreach (var t in targets.OrderBy(t => t.Index.Name, StringComparer.Ordinal))
        {
            var settings = t.Index.SettingsJson(flat: true);
            if (names.Count > 0 && !(names.Count == 1 && names[0] == "_all"))
            {
                foreach (var key in settings.Select(kv => kv.Key).ToList())
                {
                    if (!names.Any(n => IndexNames.SimpleMatch(n, key) || IndexNames.SimpleMatch(n, key["index.".Length..])))
                    {
                        settings.Remove(key);
                    }
                }
            }

            o[t.Index.Name] = new JsonObject { ["settings"] = flat ? settings : Nest(settings) };
        }

        return Ok(o);
    }

    private static JsonObject Nest(JsonObject flat)
    {
        var o = new JsonObject();
        foreach (var (k, v) in flat)
        {
            var parts = k.Split('.');
            var target = o;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (target[parts[i]] is not JsonObject next)
                {
                    next = new JsonObject();
                    target[parts[i]] = next;
                }

                target = next;
            }

            target[parts[^1]] = v?.DeepClone();
        }

        return o;
    }

    private RestResponse PutSettings(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var targets = _cluster.Resolve(p.GetValueOrDefault("index"), IndicesOptions.Update.WithParams(r));
        var body = JsonUtil.ExpectObject(r.Json() ?? throw EsException.Validation("no settings to update"), "settings");
        return Ok(_cluster.UpdateSettings(targets, body["settings"] is JsonObject inner && body.Count == 1 ? inner : body));
    }

    private RestResponse Refresh(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.Refresh(_cluster.Resolve(p.GetValueOrDefault("index"), IndicesOptions.StrictExpandOpenForbidClosed.WithParams(r))));

    private RestResponse Close(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.Close(_cluster.Resolve(p["index"], IndicesOptions.StrictExpandOpen.WithParams(r))));

    private RestResponse Open(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.Open(_cluster.Resolve(p["index"], (IndicesOptions.StrictExpand with { ExpandOpen = false }).WithParams(r))));

    private RestResponse GetAlias(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var (status, body) = _cluster.GetAliases(p.GetValueOrDefault("index"), p.GetValueOrDefault("name"),
            IndicesOptions.StrictExpandHidden.WithParams(r));
        if (r.Method == "HEAD")
        {
            return new RestResponse(status, null);
        }

        return new RestResponse(status, body);
    }

    private RestResponse UpdateAliases(EsRequest r, IReadOnlyDictionary<string, string> p) => Ok(_cluster.UpdateAliases(r.Json()));

    private RestResponse PutAlias(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.PutAlias(p["index"], p["name"], r.Json()));

    private RestResponse DeleteAlias(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.DeleteAlias(p["index"], p["name"]));

    private static (bool Forced, bool WaitFor) ParseRefresh(EsRequest r) => r.Param("refresh") switch
    {
        null or "false" => (false, false),
        "" or "true" => (true, false),
        "wait_for" => (false, true),
        var v => throw EsException.IllegalArgument($"Unknown value for refresh: [{v}]."),
    };

    private RestResponse Write(EsRequest r, WriteRequest w)
    {
        Cluster.Validate(w);
        var (forced, waitFor) = ParseRefresh(r);
        var (index, body, status) = _cluster.ExecuteWrite(w);
        if (forced || waitFor)
        {
            index.Refresh();
        }

        if (forced)
        {
            body["forced_refresh"] = true;
        }

        return new RestResponse(status, body);
    }

    private static string VersionType(EsRequest r) => r.Param("version_type") ?? "internal";

    private RestResponse IndexDoc(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var opType = r.Param("op_type");
        if (opType is not (null or "index" or "create"))
        {
            throw EsException.IllegalArgument($"opType must be 'create' or 'index', found: [{opType}]");
        }

        return Write(r, new WriteRequest
        {
            OpType = opType ?? "index",
            IndexName = p["index"],
            Id = p.GetValueOrDefault("id"),
            Source = DocumentBody(r),
            Version = r.Long("version"),
            VersionType = VersionType(r),
            IfSeqNo = r.Long("if_seq_no"),
            IfPrimaryTerm = r.Long("if_primary_term"),
            Routing = r.Param("routing"),
            RequireAlias = r.Flag("require_alias", false),
            WaitForActiveShards = r.Param("wait_for_active_shards"),
        });
    }

    private static System.Text.Json.JsonElement? DocumentBody(EsRequest r)
    {
        if (!r.HasContent)
        {
            return null;
        }

        var body = r.HasBody ? JsonUtil.ParseElement(r.Body) : JsonUtil.ParseElement(r.Json()!.ToJsonString());
        if (body.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw EsException.DocumentParsing("[1:1] failed to parse: root value must be an object");
        }

        return body;
    }

    private RestResponse CreateDoc(EsRequest r, IReadOnlyDictionary<string, string> p) => Write(r, new WriteRequest
    {
        OpType = "create",
        IndexName = p["index"],
        Id = p["id"],
        Source = DocumentBody(r),
        Version = r.Long("version"),
        VersionType = VersionType(r),
        Routing = r.Param("routing"),
        RequireAlias = r.Flag("require_alias", false),
        WaitForActiveShards = r.Param("wait_for_active_shards"),
    });

    private RestResponse DeleteDoc(EsRequest r, IReadOnlyDictionary<string, string> p) => Write(r, new WriteRequest
    {
        OpType = "delete",
        IndexName = p["index"],
        Id = p["id"],
        Version = r.Long("version"),
        VersionType = VersionType(r),
        IfSeqNo = r.Long("if_seq_no"),
        IfPrimaryTerm = r.Long("if_primary_term"),
        Routing = r.Param("routing"),
        WaitForActiveShards = r.Param("wait_for_active_shards"),
    });

    private RestResponse UpdateDoc(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        if (r.Param("retry_on_conflict") is { } retry)
        {
            r.Int("retry_on_conflict", 0);
            _ = retry;
        }

        return Write(r, new WriteRequest
        {
            OpType = "update",
            IndexName = p["index"],
            Id = p["id"],
            UpdateBody = JsonUtil.ExpectObject(r.Json() ?? throw EsException.Validation("script or doc is missing"), "update"),
            IfSeqNo = r.Long("if_seq_no"),
            IfPrimaryTerm = r.Long("if_primary_term"),
            Routing = r.Param("routing"),
            RequireAlias = r.Flag("require_alias", false),
            WaitForActiveShards = r.Param("wait_for_active_shards"),
            ResponseSource = SourceFilter.FromParams(r),
        });
    }

    private RestResponse GetDoc(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var (status, body) = ReadDoc(r, p);
        return r.Method == "HEAD" ? new RestResponse(status, null) : new RestResponse(status, body);
    }

    private RestResponse GetSource(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var (status, body) = ReadDoc(r, p);
        if (status == 404)
        {
            var e = new EsException(404, "resource_not_found_exception", $"Document not found [{p["index"]}]/[{p["id"]}]");
            throw e;
        }

        return r.Method == "HEAD" ? new RestResponse(200, null) : new RestResponse(200, body["_source"]?.DeepClone() ?? new JsonObject());
    }

    private (int Status, JsonObject Body) ReadDoc(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var index = _cluster.ResolveSingleForRead(p["index"]);
        if (r.Param("routing") is not null && index.NumberOfShards > 1)
        {
            throw EsException.Unsupported("custom routing on indices with more than one shard (shards are not modelled)");
        }

        var realtime = r.Flag("realtime", true);
        if (r.Flag("refresh", false))
        {
            index.Refresh();
        }

        return _cluster.GetDocument(index, p["id"], realtime, SourceFilter.FromParams(r) ?? SourceFilter.All, r.Long("version"), VersionType(r));
    }

    private RestResponse MultiGet(EsRequest r, IReadOnlyDictionary<string, string> p) =>
        Ok(_cluster.MultiGet(p.GetValueOrDefault("index"), r.Json(), r.Flag("realtime", true), r.Flag("refresh", false), SourceFilter.FromParams(r)));

    private RestResponse Bulk(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var (forced, waitFor) = ParseRefresh(r);
        return Ok(_cluster.Bulk(r, p.GetValueOrDefault("index"), forced, waitFor));
    }

    private static void CheckSearchType(EsRequest r)
    {
        if (r.Param("search_type") is { } st && st is not ("query_then_fetch" or "dfs_query_then_fetch"))
        {
            throw EsException.IllegalArgument($"No search type for [{st}]");
        }
    }

    private RestResponse Search(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        CheckSearchType(r);
        var spec = Cluster.ParseSearch(r, r.Json());
        var targets = _cluster.Resolve(p.GetValueOrDefault("index"), IndicesOptions.StrictExpandOpenForbidClosed.WithParams(r));
        RejectShardRouting(r, targets);
        return Ok(_cluster.Search(targets, spec));
    }

    private RestResponse Count(EsRequest r, IReadOnlyDictionary<string, string> p)
    {
        var spec = Cluster.ParseCount(r, r.Json());
        var targets = _cluster.Resolve(p.GetValueOrDefault("index"), IndicesOptions.StrictExpandOpenForbidClosed.WithParams(r));
        RejectShardRouting(r, targets);
        return Ok(_cluster.Count(targets, spec));
    }

    /// <summary>
    /// Shards are not modelled: routing only changes results on indices with more than one shard, so there
    /// it is rejected rather than silently ignored.
    /// </summary>
    private static void RejectShardRouting(EsRequest r, List<Target> targets)
    {
        var routed = r.Param("routing") is not null || targets.Any(t => !t.Direct && t.ViaAliases.Any(a =>
            t.Index.Aliases.TryGetValue(a, out var m) && m.SearchRouting is not null));
        if (routed && targets.Any(t => t.Index.NumberOfShards > 1))
        {
            throw EsException.Unsupported("custom routing on indices with more than one shard");
        }
    }
}
