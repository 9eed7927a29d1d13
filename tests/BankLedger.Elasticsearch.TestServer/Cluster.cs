using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>
/// The in-memory single-node cluster. Every operation runs under one lock, so concurrent requests are
/// serialized: simple, and atomic where Elasticsearch is (alias updates, one document write).
/// </summary>
internal sealed partial class Cluster
{
    public const string VersionNumber = "9.2.0";
    public const string NodeName = "es-test-node";
    public const string NodeId = "tYwJ4aSHRV2mPzJW3b0cKw";

    private static readonly HashSet<string> AcceptedSettings = new(StringComparer.Ordinal)
    {
        "index.number_of_shards", "index.number_of_replicas", "index.auto_expand_replicas", "index.refresh_interval",
        "index.max_result_window", "index.mode", "index.soft_deletes.enabled", "index.hidden",
        "index.mapping.total_fields.limit", "index.mapping.depth.limit", "index.mapping.nested_fields.limit",
        "index.mapping.field_name_length.limit", "index.mapping.nested_objects.limit", "index.gc_deletes",
        "index.translog.durability", "index.translog.sync_interval", "index.translog.flush_threshold_size", "index.codec",
        "index.priority", "index.number_of_routing_shards", "index.max_inner_result_window",
        "index.write.wait_for_active_shards", "index.routing.allocation.include._tier_preference",
        "index.unassigned.node_left.delayed_timeout", "index.max_terms_count", "index.search.idle.after",
        "index.requests.cache.enable", "index.shard.check_on_startup", "index.max_refresh_listeners",
        "index.soft_deletes.retention_lease.period", "index.queries.cache.enabled",
    };

    private static readonly string[] UnsupportedSettingPrefixes =
    [
        "index.analysis.", "index.sort.", "index.blocks.", "index.similarity.", "index.routing_path", "index.time_series.",
        "index.lifecycle.", "index.default_pipeline", "index.final_pipeline", "index.mapping.source.", "index.store.",
        "index.routing.allocation.", "index.routing.rebalance.", "index.query.", "index.look_ahead_time",
        "index.look_back_time", "index.frozen", "index.search.slowlog.", "index.indexing.slowlog.", "index.merge.",
        "index.version.", "index.uuid", "index.creation_date", "index.provided_name", "index.format", "index.verified_before_close",
    ];

    private readonly SortedDictionary<string, EsIndex> _indices = new(StringComparer.Ordinal);
    private readonly ElasticsearchTestServerOptions _options;

    public Cluster(ElasticsearchTestServerOptions options)
    {
        _options = options;
        ClusterUuid = NewUuid();
    }

    public Lock Gate { get; } = new();

    public string ClusterUuid { get; }

    public string ClusterName => _options.ClusterName;

    public ElasticsearchTestServerOptions Options => _options;

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static string NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')[..22];
    }

    /// <summary>A 20-character auto-generated document id, like Elasticsearch's.</summary>
    public static string NewDocId()
    {
        Span<byte> bytes = stackalloc byte[15];
        Random.Shared.NextBytes(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    public void Reset()
    {
        lock (Gate)
        {
            _indices.Clear();
            AliasesChanged();
        }
    }

    public EsIndex? Get(string name) => _indices.GetValueOrDefault(name);

    public IEnumerable<EsIndex> All => _indices.Values;

    // ------------------------------------------------------------------------------------------
    // Index expression resolution (IndexNameExpressionResolver).
    // ------------------------------------------------------------------------------------------

    private Dictionary<string, List<(EsIndex Index, AliasMeta Meta)>>? _aliasCache;

    /// <summary>Forgets the cached alias map; called whenever indices or aliases change.</summary>
    private void AliasesChanged() => _aliasCache = null;

    /// <summary>Alias name → the indices it points to and their alias metadata. Do not mutate.</summary>
    public Dictionary<string, List<(EsIndex Index, AliasMeta Meta)>> AliasMap() => _aliasCache ??= BuildAliasMap();

    private Dictionary<string, List<(EsIndex Index, AliasMeta Meta)>> BuildAliasMap()
    {
        var map = new Dictionary<string, List<(EsIndex, AliasMeta)>>(StringComparer.Ordinal);
        foreach (var index in _indices.Values)
        {
            foreach (var (alias, meta) in index.Aliases)
            {
                if (!map.TryGetValue(alias, out var list))
                {
                    list = [];
                    map[alias] = list;
                }

                list.Add((index, meta));
            }
        }

        return map;
    }

    private static bool StateMatches(EsIndex index, IndicesOptions o) => index.Closed ? o.ExpandClosed : o.ExpandOpen;

    public List<Target> Resolve(string? expression, IndicesOptions o)
    {
        var now = Now();
        var exprs = IndexNames.SplitCommas(expression).Select(e => e.StartsWith('-') && e.Length > 1 && e[1] == '<'
            ? "-" + IndexNames.ResolveDateMath(e[1..], now)
            : IndexNames.ResolveDateMath(e, now)).ToList();
        if (exprs.Count == 0)
        {
            exprs.Add("_all");
        }

        var aliases = AliasMap();
        var result = new List<string>();
        var via = new Dictionary<string, (bool Direct, List<string> Aliases)>(StringComparer.Ordinal);

        void Add(EsIndex index, string? alias)
        {
            if (!via.TryGetValue(index.Name, out var v))
            {
                v = (false, []);
                result.Add(index.Name);
            }

            if (alias is null)
            {
                v.Direct = true;
            }
            else if (!v.Aliases.Contains(alias))
            {
                v.Aliases.Add(alias);
            }

            via[index.Name] = v;
        }

        void Remove(string name)
        {
            result.Remove(name);
            via.Remove(name);
        }

        if (exprs.Count == 1 && exprs[0] is "_all" or "*")
        {
            foreach (var index in _indices.Values)
            {
                if ((!index.Hidden || o.ExpandHidden) && StateMatches(index, o))
                {
                    Add(index, null);
                }
            }
        }
        else
        {
            var wildcardSeen = false;
            foreach (var raw in exprs)
            {
                var expr = raw;
                var exclude = false;
                if (expr.StartsWith('-') && wildcardSeen)
                {
                    exclude = true;
                    expr = expr[1..];
                }

                if (expr == "_all")
                {
                    foreach (var index in _indices.Values.Where(i => (!i.Hidden || o.ExpandHidden) && StateMatches(i, o)))
                    {
                        if (exclude)
                        {
                            Remove(index.Name);
                        }
                        else
                        {
                            Add(index, null);
                        }
                    }

                    wildcardSeen = true;
                    continue;
                }

                if (IndexNames.IsWildcard(expr))
                {
                    var matched = false;
                    foreach (var index in _indices.Values)
                    {
                        if (!IndexNames.SimpleMatch(expr, index.Name))
                        {
                            continue;
                        }

                        var implicitHidden = index.Name.StartsWith('.') && expr.StartsWith('.');
                        if (index.Hidden && !o.ExpandHidden && !implicitHidden)
                        {
                            continue;
                        }

                        matched = true;
                        if (!StateMatches(index, o))
                        {
                            continue;
                        }

                        if (exclude)
                        {
                            Remove(index.Name);
                        }
                        else
                        {
                            Add(index, null);
                        }
                    }

                    if (!o.IgnoreAliases)
                    {
                        foreach (var (alias, members) in aliases)
                        {
                            if (!IndexNames.SimpleMatch(expr, alias))
                            {
                                continue;
                            }

                            var hidden = members.Any(m => m.Meta.IsHidden == true);
                            if (hidden && !o.ExpandHidden && !(alias.StartsWith('.') && expr.StartsWith('.')))
                            {
                                continue;
                            }

                            matched = true;
                            foreach (var (index, _) in members)
                            {
                                if (!StateMatches(index, o))
                                {
                                    continue;
                                }

                                if (exclude)
                                {
                                    Remove(index.Name);
                                }
                                else
                                {
                                    Add(index, alias);
                                }
                            }
                        }
                    }

                    if (!matched && !o.AllowNoIndices)
                    {
                        throw EsException.IndexNotFound(expr);
                    }

                    wildcardSeen = true;
                    continue;
                }

                if (_indices.TryGetValue(expr, out var concrete))
                {
                    if (exclude)
                    {
                        Remove(expr);
                    }
                    else
                    {
                        Add(concrete, null);
                    }

                    continue;
                }

                if (aliases.TryGetValue(expr, out var aliasMembers))
                {
                    if (o.IgnoreAliases)
                    {
                        if (o.IgnoreUnavailable)
                        {
                            continue;
                        }

                        throw EsException.IllegalArgument(
                            $"The provided expression [{expr}] matches an alias, specify the corresponding concrete indices instead.");
                    }

                    foreach (var (index, _) in aliasMembers)
                    {
                        if (exclude)
                        {
                            Remove(index.Name);
                        }
                        else
                        {
                            Add(index, expr);
                        }
                    }

                    continue;
                }

                if (exclude)
                {
                    continue;
                }

                if (!o.IgnoreUnavailable)
                {
                    throw EsException.IndexNotFound(expr);
                }
            }
        }

        var targets = new List<Target>();
        foreach (var name in result)
        {
            var index = _indices[name];
            if (index.Closed && o.ForbidClosed)
            {
                if (o.IgnoreUnavailable)
                {
                    continue;
                }

                throw EsException.IndexClosed(index.Name, index.Uuid);
            }

            var (direct, viaAliases) = via[name];
            targets.Add(new Target(index, direct, viaAliases));
        }

        if (targets.Count == 0 && !o.AllowNoIndices)
        {
            throw exprs.Count == 1 && exprs[0] == "_all"
                ? EsException.IndexNotFoundNull(exprs, " and no indices exist")
                : EsException.IndexNotFoundNull(exprs);
        }

        return targets;
    }

    /// <summary>Resolves a name for a single-document read (get, mget item): one concrete index.</summary>
    public EsIndex ResolveSingleForRead(string name)
    {
        name = IndexNames.ResolveDateMath(name, Now());
        if (_indices.TryGetValue(name, out var index))
        {
            if (index.Closed)
            {
                throw EsException.IndexClosed(index.Name, index.Uuid);
            }

            return index;
        }

        var aliases = AliasMap();
        if (aliases.TryGetValue(name, out var members))
        {
            if (members.Count > 1)
            {
                throw EsException.IllegalArgument(
                    $"alias [{name}] has more than one index associated with it [{string.Join(", ", members.Select(m => m.Index.Name))}], can't execute a single index op");
            }

            var single = members[0].Index;
            if (single.Closed)
            {
                throw EsException.IndexClosed(single.Name, single.Uuid);
            }

            return single;
        }

        throw EsException.IndexNotFound(name);
    }

    /// <summary>Resolves a write target: an index, or an alias's write index; auto-creates missing indices.</summary>
    public (EsIndex Index, string? AliasRouting) ResolveForWrite(string rawName, bool autoCreate, bool requireAlias)
    {
        var name = IndexNames.ResolveDateMath(rawName, Now());
        var aliases = AliasMap();
        if (aliases.TryGetValue(name, out var members))
        {
            var write = members.Where(m => m.Meta.IsWriteIndex == true).ToList();
            (EsIndex Index, AliasMeta Meta)? chosen = write.Count == 1 ? write[0]
                : members.Count == 1 && members[0].Meta.IsWriteIndex != false ? members[0] : null;
            if (chosen is null)
            {
                throw EsException.IllegalArgument(
                    $"no write index is defined for alias [{name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index");
            }

            var target = chosen.Value.Index;
            if (target.Closed)
            {
                throw EsException.IndexClosed(target.Name, target.Uuid);
            }

            return (target, chosen.Value.Meta.IndexRouting);
        }

        if (requireAlias)
        {
            throw new EsException(404, "index_not_found_exception",
                    $"no such index [{name}] and [require_alias] request flag is [true] and [{name}] is not an alias")
                .With("index_uuid", "_na_").With("index", name);
        }

        if (_indices.TryGetValue(name, out var index))
        {
            if (index.Closed)
            {
                throw EsException.IndexClosed(index.Name, index.Uuid);
            }

            return (index, null);
        }

        if (!autoCreate || !_options.AutoCreateIndex)
        {
            throw EsException.IndexNotFound(name);
        }

        IndexNames.ValidateIndexName(name);
        return (CreateIndexInternal(name, rawName, null, IndexMapping.Empty, []), null);
    }

    // ------------------------------------------------------------------------------------------
    // Index administration.
    // ------------------------------------------------------------------------------------------

    public JsonObject CreateIndex(string rawName, JsonNode? body, string? waitForActiveShards)
    {
        var name = IndexNames.ResolveDateMath(rawName, Now());
        IndexNames.ValidateIndexName(name);
        JsonObject? settings = null;
        JsonNode? mappings = null;
        JsonObject? aliasDefs = null;
        if (body is not null)
        {
            foreach (var (k, v) in JsonUtil.ExpectObject(body, "create index"))
            {
                switch (k)
                {
                    case "settings":
                        settings = JsonUtil.ExpectObject(v, "settings");
                        break;
                    case "mappings":
                        mappings = v;
                        break;
                    case "aliases":
                        aliasDefs = JsonUtil.ExpectObject(v, "aliases");
                        break;
                    default:
                        throw new EsException(400, "parse_exception", $"unknown key [{k}] for create index");
                }
            }
        }

        if (_indices.TryGetValue(name, out var existing))
        {
            throw EsException.ResourceAlreadyExists(name, existing.Uuid);
        }

        if (AliasMap().ContainsKey(name))
        {
            throw EsException.InvalidIndexName(name, "already exists as alias");
        }

        var mapping = IndexMapping.FromDefinition(mappings);
        var aliases = new SortedDictionary<string, AliasMeta>(StringComparer.Ordinal);
        if (aliasDefs is not null)
        {
            foreach (var (aliasRaw, def) in aliasDefs)
            {
                var alias = IndexNames.ResolveDateMath(aliasRaw, Now());
                IndexNames.ValidateAliasName(alias);
                if (alias == name)
                {
                    throw EsException.InvalidAliasName(alias, "an index or data stream exists with the same name as the alias");
                }

                if (_indices.ContainsKey(alias))
                {
                    throw EsException.InvalidAliasName(alias, "an index or data stream exists with the same name as the alias");
                }

                aliases[alias] = ParseAliasMeta(JsonUtil.ExpectObject(def ?? new JsonObject(), alias), allowed: AliasBodyKeys);
            }
        }

        var index = CreateIndexInternal(name, rawName, settings, mapping, aliases);
        ValidateAliasInvariants();
        var copies = 1 + index.NumberOfReplicas;
        return new JsonObject
        {
            ["acknowledged"] = true,
            ["shards_acknowledged"] = ActiveShardsSatisfied(waitForActiveShards, copies),
            ["index"] = name,
        };
    }

    /// <summary>Whether wait_for_active_shards is met on one node: only primaries are ever active.</summary>
    public static bool ActiveShardsSatisfied(string? waitFor, int copies)
    {
        if (waitFor is null or "" or "index-setting" or "default")
        {
            return true;
        }

        if (waitFor == "all")
        {
            return copies <= 1;
        }

        if (int.TryParse(waitFor, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            if (n > copies)
            {
                throw EsException.IllegalArgument(
                    $"cannot wait for [{n}] shard copies, only [{copies}] copies exist");
            }

            return n <= 1;
        }

        throw EsException.IllegalArgument($"cannot parse ActiveShardCount[{waitFor}]");
    }

    private EsIndex CreateIndexInternal(string name, string provided, JsonObject? settingsBody, IndexMapping mapping, SortedDictionary<string, AliasMeta> aliases)
    {
        var settings = NormalizeSettings(settingsBody, forCreate: true);
        var uuid = NewUuid();
        var created = Now();
        if (settings.TryGetValue("index.mode", out var mode) && JsonUtil.ScalarText(mode) == "lookup")
        {
            if (settings.TryGetValue("index.number_of_shards", out var s) && JsonUtil.ScalarText(s) != "1")
            {
                throw EsException.IllegalArgument("index with [lookup] mode must have [index.number_of_shards] set to 1 or unset");
            }

            settings.TryAdd("index.auto_expand_replicas", "0-all");
        }

        settings.TryAdd("index.number_of_shards", "1");
        settings.TryAdd("index.number_of_replicas", "1");
        settings["index.uuid"] = uuid;
        settings["index.version.created"] = "9039000";
        settings["index.creation_date"] = JsonUtil.Inv(created);
        settings["index.provided_name"] = provided;
        settings.TryAdd("index.routing.allocation.include._tier_preference", "data_content");
        var index = new EsIndex(name, uuid, created, settings, mapping) { Aliases = aliases };
        _indices[name] = index;
        AliasesChanged();
        return index;
    }

    /// <summary>Flattens settings to "index.*" keys with string values and validates them.</summary>
    private static SortedDictionary<string, JsonNode> NormalizeSettings(JsonObject? body, bool forCreate)
    {
        var flat = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);

        void Flatten(string prefix, JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        Flatten(prefix.Length == 0 ? k : prefix + "." + k, v);
                    }

                    break;
                case JsonArray a:
                    flat[prefix] = new JsonArray(a.Select(x => (JsonNode?)JsonValue.Create(JsonUtil.ScalarText(x))).ToArray());
                    break;
                case null:
                    break;
                default:
                    flat[prefix] = JsonValue.Create(JsonUtil.ScalarText(node));
                    break;
            }
        }

        Flatten("", body);
        var result = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in flat)
        {
            var key = rawKey.StartsWith("index.", StringComparison.Ordinal) ? rawKey : "index." + rawKey;
            ValidateSetting(key, value, forCreate);
            result[key] = value;
        }

        return result;
    }

    private static void ValidateSetting(string key, JsonNode value, bool forCreate)
    {
        var text = JsonUtil.ScalarText(value);
        if (!AcceptedSettings.Contains(key))
        {
            if (UnsupportedSettingPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                throw EsException.Unsupported($"index setting [{key}]");
            }

            throw EsException.IllegalArgument(
                $"unknown setting [{key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings");
        }

        int ParseInt(int min)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                throw EsException.IllegalArgument($"Failed to parse value [{text}] for setting [{key}]");
            }

            if (n < min)
            {
                throw EsException.IllegalArgument($"Failed to parse value [{text}] for setting [{key}] must be >= {min}");
            }

            return n;
        }

        switch (key)
        {
            case "index.number_of_shards":
                if (!forCreate)
                {
                    throw EsException.IllegalArgument($"final {key} setting [{key}], not updateable");
                }

                if (ParseInt(1) > 1024)
                {
                    throw EsException.IllegalArgument($"Failed to parse value [{text}] for setting [{key}] must be <= 1024");
                }

                break;
            case "index.number_of_replicas":
                ParseInt(0);
                break;
            case "index.max_result_window":
            case "index.mapping.total_fields.limit":
            case "index.max_inner_result_window":
            case "index.number_of_routing_shards":
                ParseInt(1);
                break;
            case "index.auto_expand_replicas":
                if (text != "false" && !AutoExpandRegex().IsMatch(text))
                {
                    throw EsException.IllegalArgument($"failed to parse [{key}] from value: [{text}] at index -1");
                }

                break;
            case "index.hidden":
                JsonUtil.ParseBool(text, key);
                break;
            case "index.soft_deletes.enabled":
                if (!JsonUtil.ParseBool(text, key))
                {
                    throw EsException.IllegalArgument(
                        "Creating indices with soft-deletes disabled is no longer supported. Please do not specify a value for setting [index.soft_deletes.enabled].");
                }

                break;
            case "index.mode":
                if (text is not ("standard" or "lookup"))
                {
                    if (text is "time_series" or "logsdb")
                    {
                        throw EsException.Unsupported($"[index.mode: {text}]");
                    }

                    throw EsException.IllegalArgument($"[{text}] is an invalid index mode, valid modes are: [standard,time_series,logsdb,lookup]");
                }

                break;
            case "index.refresh_interval":
                if (text != "-1" && !TimeValueRegex().IsMatch(text))
                {
                    throw EsException.IllegalArgument(
                        $"failed to parse setting [{key}] with value [{text}] as a time value: unit is missing or unrecognized");
                }

                break;
        }
    }

    [GeneratedRegex("^[0-9]+-([0-9]+|all)$")]
    private static partial Regex AutoExpandRegex();

    [GeneratedRegex("^-?[0-9]+(nanos|micros|ms|s|m|h|d)$")]
    private static partial Regex TimeValueRegex();

    public JsonObject DeleteIndices(string expression, IndicesOptions options)
    {
        if (_options.DestructiveRequiresName)
        {
            foreach (var e in IndexNames.SplitCommas(expression))
            {
                if (e is "_all" or "*" || IndexNames.IsWildcard(e))
                {
                    throw EsException.IllegalArgument("Wildcard expressions or all indices are not allowed");
                }
            }
        }

        var targets = Resolve(expression, options);
        foreach (var t in targets)
        {
            _indices.Remove(t.Index.Name);
        }

        AliasesChanged();

        return new JsonObject { ["acknowledged"] = true };
    }

    public JsonObject GetIndices(List<Target> targets, bool flat, IReadOnlyCollection<string> features)
    {
        var o = new JsonObject();
        foreach (var t in targets.OrderBy(t => t.Index.Name, StringComparer.Ordinal))
        {
            var entry = new JsonObject();
            if (features.Contains("aliases"))
            {
                entry["aliases"] = t.Index.AliasesJson();
            }

            if (features.Contains("mappings"))
            {
                entry["mappings"] = t.Index.Mapping.Root.DeepClone();
            }

            if (features.Contains("settings"))
            {
                entry["settings"] = t.Index.SettingsJson(flat);
            }

            o[t.Index.Name] = entry;
        }

        return o;
    }

    public JsonObject PutMapping(List<Target> targets, JsonNode? body)
    {
        if (body is null)
        {
            throw EsException.Validation("mapping source is required");
        }

        var updated = targets.Select(t => (t.Index, Mapping: t.Index.Mapping.Merge(body))).ToList();
        foreach (var (index, mapping) in updated)
        {
            if (mapping.FieldCount > index.TotalFieldsLimit)
            {
                throw EsException.IllegalArgument($"Limit of total fields [{index.TotalFieldsLimit}] has been exceeded");
            }
        }

        foreach (var (index, mapping) in updated)
        {
            index.Mapping = mapping;
        }

        return new JsonObject { ["acknowledged"] = true };
    }

    private static readonly HashSet<string> DynamicSettings = new(StringComparer.Ordinal)
    {
        "index.number_of_replicas", "index.auto_expand_replicas", "index.refresh_interval", "index.max_result_window",
        "index.hidden", "index.mapping.total_fields.limit", "index.mapping.depth.limit", "index.mapping.nested_fields.limit",
        "index.mapping.field_name_length.limit", "index.gc_deletes", "index.translog.durability", "index.translog.sync_interval",
        "index.priority", "index.max_inner_result_window", "index.write.wait_for_active_shards",
        "index.routing.allocation.include._tier_preference", "index.unassigned.node_left.delayed_timeout",
        "index.max_terms_count", "index.search.idle.after", "index.requests.cache.enable",
    };

    public JsonObject UpdateSettings(List<Target> targets, JsonObject body)
    {
        var updates = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        void Flatten(string prefix, JsonNode? node)
        {
            if (node is JsonObject o)
            {
                foreach (var (k, v) in o)
                {
                    Flatten(prefix.Length == 0 ? k : prefix + "." + k, v);
                }

                return;
            }

            var key = prefix.StartsWith("index.", StringComparison.Ordinal) ? prefix : "index." + prefix;
            updates[key] = node is null ? null : JsonValue.Create(JsonUtil.ScalarText(node));
        }

        Flatten("", body);
        var nonDynamic = updates.Keys.Where(k => !DynamicSettings.Contains(k)).ToList();
        foreach (var (key, value) in updates)
        {
            if (value is not null)
            {
                ValidateSetting(key, value, forCreate: false);
            }
        }

        if (nonDynamic.Count > 0)
        {
            throw EsException.IllegalArgument(
                $"Can't update non dynamic settings [[{string.Join(", ", nonDynamic)}]] for open indices [{string.Join(", ", targets.Select(t => $"[{t.Index.Name}/{t.Index.Uuid}]"))}]");
        }

        foreach (var t in targets)
        {
            foreach (var (key, value) in updates)
            {
                if (value is null)
                {
                    if (key != "index.number_of_replicas")
                    {
                        t.Index.Settings.Remove(key);
                    }
                    else
                    {
                        t.Index.Settings[key] = "1";
                    }
                }
                else
                {
                    t.Index.Settings[key] = value.DeepClone();
                }
            }
        }

        return new JsonObject { ["acknowledged"] = true };
    }

    public JsonObject Refresh(List<Target> targets)
    {
        int total = 0, successful = 0;
        foreach (var t in targets)
        {
            t.Index.Refresh();
            total += t.Index.NumberOfShards * (1 + t.Index.NumberOfReplicas);
            successful += t.Index.NumberOfShards;
        }

        return new JsonObject { ["_shards"] = Shards(total, successful) };
    }

    public static JsonObject Shards(int total, int successful, int failed = 0) =>
        new() { ["total"] = total, ["successful"] = successful, ["failed"] = failed };

    public JsonObject Close(List<Target> targets)
    {
        var indices = new JsonObject();
        foreach (var t in targets)
        {
            t.Index.Refresh();
            t.Index.Closed = true;
            indices[t.Index.Name] = new JsonObject { ["closed"] = true };
        }

        return new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["indices"] = indices };
    }

    public JsonObject Open(List<Target> targets)
    {
        foreach (var t in targets)
        {
            t.Index.Closed = false;
        }

        return new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true };
    }

    // ------------------------------------------------------------------------------------------
    // Cluster health and info.
    // ------------------------------------------------------------------------------------------

    public (int Status, JsonObject Body) Health(EsRequest request, string? indexExpression)
    {
        var level = request.Param("level") ?? "cluster";
        if (level is not ("cluster" or "indices" or "shards"))
        {
            throw EsException.IllegalArgument($"No enum constant for level [{level}]");
        }

        var options = IndicesOptions.LenientExpandHidden.WithParams(request);
        var targets = indexExpression is null ? Resolve(null, options) : Resolve(indexExpression, options);
        var missing = indexExpression is not null && IndexNames.SplitCommas(indexExpression)
            .Any(e => !IndexNames.IsWildcard(e) && e != "_all" && !e.StartsWith('-') && !_indices.ContainsKey(e) && !AliasMap().ContainsKey(e));

        int primaries = 0, active = 0, unassigned = 0;
        var indices = new JsonObject();
        foreach (var t in targets.OrderBy(t => t.Index.Name, StringComparer.Ordinal))
        {
            var ix = t.Index;
            primaries += ix.ActivePrimaries;
            active += ix.ActivePrimaries;
            unassigned += ix.UnassignedReplicas;
            if (level != "cluster")
            {
                var entry = new JsonObject
                {
                    ["status"] = ix.UnassignedReplicas > 0 ? "yellow" : "green",
                    ["number_of_shards"] = ix.NumberOfShards,
                    ["number_of_replicas"] = ix.NumberOfReplicas,
                    ["active_primary_shards"] = ix.ActivePrimaries,
                    ["active_shards"] = ix.ActivePrimaries,
                    ["relocating_shards"] = 0,
                    ["initializing_shards"] = 0,
                    ["unassigned_shards"] = ix.UnassignedReplicas,
                    ["unassigned_primary_shards"] = 0,
                };
                if (level == "shards")
                {
                    var shards = new JsonObject();
                    for (var s = 0; s < ix.NumberOfShards; s++)
                    {
                        shards[s.ToString(CultureInfo.InvariantCulture)] = new JsonObject
                        {
                            ["status"] = ix.NumberOfReplicas > 0 ? "yellow" : "green",
                            ["primary_active"] = true,
                            ["active_shards"] = 1,
                            ["relocating_shards"] = 0,
                            ["initializing_shards"] = 0,
                            ["unassigned_shards"] = ix.NumberOfReplicas,
                            ["unassigned_primary_shards"] = 0,
                        };
                    }

                    entry["shards"] = shards;
                }

                indices[ix.Name] = entry;
            }
        }

        var status = missing ? "red" : unassigned > 0 ? "yellow" : "green";
        var timedOut = false;
        if (request.Param("wait_for_status") is { } wanted)
        {
            int Rank(string s) => s switch
            {
                "green" => 0,
                "yellow" => 1,
                "red" => 2,
                _ => throw EsException.IllegalArgument($"unknown cluster health status [{s}]"),
            };
            timedOut |= Rank(status) > Rank(wanted);
        }

        if (request.Param("wait_for_active_shards") is { } was)
        {
            if (was == "all")
            {
                timedOut |= unassigned > 0;
            }
            else if (int.TryParse(was, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                timedOut |= active < n;
            }
            else
            {
                throw EsException.IllegalArgument($"cannot parse ActiveShardCount[{was}]");
            }
        }

        if (request.Param("wait_for_nodes") is { } wn)
        {
            var m = WaitForNodesRegex().Match(wn);
            if (!m.Success)
            {
                throw EsException.IllegalArgument($"cannot parse wait_for_nodes [{wn}]");
            }

            var n = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var ok = m.Groups[1].Value switch
            {
                ">=" => 1 >= n,
                "<=" => 1 <= n,
                ">" => 1 > n,
                "<" => 1 < n,
                _ => n == 1,
            };
            timedOut |= !ok;
        }

        request.Flag("wait_for_no_relocating_shards", false);
        request.Flag("wait_for_no_initializing_shards", false);
        if (missing)
        {
            timedOut = true;
        }

        var total = active + unassigned;
        var body = new JsonObject
        {
            ["cluster_name"] = ClusterName,
            ["status"] = status,
            ["timed_out"] = timedOut,
            ["number_of_nodes"] = 1,
            ["number_of_data_nodes"] = 1,
            ["active_primary_shards"] = primaries,
            ["active_shards"] = active,
            ["relocating_shards"] = 0,
            ["initializing_shards"] = 0,
            ["unassigned_shards"] = unassigned,
            ["unassigned_primary_shards"] = 0,
            ["delayed_unassigned_shards"] = 0,
            ["number_of_pending_tasks"] = 0,
            ["number_of_in_flight_fetch"] = 0,
            ["task_max_waiting_in_queue_millis"] = 0,
            ["active_shards_percent_as_number"] = total == 0 ? 100.0 : 100.0 * active / total,
        };
        if (level != "cluster")
        {
            body["indices"] = indices;
        }

        return (timedOut ? 408 : 200, body);
    }

    [GeneratedRegex("^(>=|<=|>|<|ge\\(|le\\(|gt\\(|lt\\()?([0-9]+)\\)?$")]
    private static partial Regex WaitForNodesRegex();

    public JsonObject Info() => new()
    {
        ["name"] = NodeName,
        ["cluster_name"] = ClusterName,
        ["cluster_uuid"] = ClusterUuid,
        ["version"] = new JsonObject
        {
            ["number"] = VersionNumber,
            ["build_flavor"] = "default",
            ["build_type"] = "tar",
            ["build_hash"] = "0000000000000000000000000000000000000000",
            ["build_date"] = "2025-10-01T00:00:00.000Z",
            ["build_snapshot"] = false,
            ["lucene_version"] = "10.3.1",
            ["minimum_wire_compatibility_version"] = "8.19.0",
            ["minimum_index_compatibility_version"] = "8.0.0",
        },
        ["tagline"] = "You Know, for Search",
    };
}
