using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

internal sealed partial class Cluster
{
    public static readonly HashSet<string> AliasBodyKeys = new(StringComparer.Ordinal)
    {
        "filter", "routing", "index_routing", "search_routing", "is_write_index", "is_hidden",
    };

    private static readonly HashSet<string> AddActionKeys = new(StringComparer.Ordinal)
    {
        "index", "indices", "alias", "aliases", "filter", "routing", "index_routing", "search_routing", "is_write_index",
        "is_hidden", "must_exist",
    };

    public static AliasMeta ParseAliasMeta(JsonObject def, IReadOnlySet<string> allowed)
    {
        JsonObject? filter = null;
        Query? parsed = null;
        string? routing = null, indexRouting = null, searchRouting = null;
        bool? isWrite = null, isHidden = null;
        foreach (var (k, v) in def)
        {
            if (!allowed.Contains(k))
            {
                throw EsException.IllegalArgument($"Unsupported field [{k}]");
            }

            switch (k)
            {
                case "filter":
                    if (v is JsonObject { Count: > 0 } f)
                    {
                        parsed = Query.Parse(f);
                        filter = (JsonObject)f.DeepClone();
                    }

                    break;
                case "routing":
                    routing = JsonUtil.ScalarText(v);
                    break;
                case "index_routing":
                    indexRouting = JsonUtil.ScalarText(v);
                    break;
                case "search_routing":
                    searchRouting = JsonUtil.ScalarText(v);
                    break;
                case "is_write_index":
                    isWrite = v is null ? null : JsonUtil.ToBool(v, k);
                    break;
                case "is_hidden":
                    isHidden = v is null ? null : JsonUtil.ToBool(v, k);
                    break;
            }
        }

        indexRouting ??= routing;
        searchRouting ??= routing;
        if (indexRouting is not null && indexRouting.Contains(',', StringComparison.Ordinal))
        {
            throw EsException.IllegalArgument($"alias [index_routing] must be a single value, but got [{indexRouting}]");
        }

        return new AliasMeta
        {
            Filter = filter,
            ParsedFilter = parsed,
            IndexRouting = indexRouting,
            SearchRouting = searchRouting,
            IsWriteIndex = isWrite,
            IsHidden = isHidden,
        };
    }

    /// <summary>Checks the alias rules that span indices: one write index, consistent is_hidden, no name clash.</summary>
    private void ValidateAliasInvariants() => ValidateAliasInvariants(_indices.Values.ToDictionary(i => i.Name, i => i.Aliases));

    private static void ValidateAliasInvariants(IReadOnlyDictionary<string, SortedDictionary<string, AliasMeta>> state)
    {
        var byAlias = new Dictionary<string, List<(string Index, AliasMeta Meta)>>(StringComparer.Ordinal);
        foreach (var (index, aliases) in state)
        {
            foreach (var (alias, meta) in aliases)
            {
                if (!byAlias.TryGetValue(alias, out var list))
                {
                    list = [];
                    byAlias[alias] = list;
                }

                list.Add((index, meta));
            }
        }

        foreach (var (alias, members) in byAlias)
        {
            if (state.ContainsKey(alias))
            {
                throw EsException.InvalidAliasName(alias, "an index or data stream exists with the same name as the alias");
            }

            var writers = members.Where(m => m.Meta.IsWriteIndex == true).Select(m => m.Index).ToList();
            if (writers.Count > 1)
            {
                throw EsException.IllegalState($"alias [{alias}] has more than one write index [{string.Join(",", writers)}]");
            }

            var hidden = members.Where(m => m.Meta.IsHidden == true).Select(m => m.Index).ToList();
            if (hidden.Count > 0 && hidden.Count < members.Count)
            {
                var notHidden = members.Where(m => m.Meta.IsHidden != true).Select(m => m.Index);
                throw EsException.IllegalState(
                    $"alias [{alias}] has is_hidden set to true on indices [{string.Join(",", hidden)}] but does not have is_hidden set to true on indices [{string.Join(",", notHidden)}]; alias must have the same is_hidden setting on all indices");
            }
        }
    }

    /// <summary>POST /_aliases: all actions validated and applied atomically, or none.</summary>
    public JsonObject UpdateAliases(JsonNode? body)
    {
        var actions = (body as JsonObject)?["actions"] as JsonArray;
        if (body is JsonObject bo)
        {
            foreach (var (k, _) in bo)
            {
                if (k != "actions")
                {
                    throw EsException.XContentParse($"[1:2] [aliases] unknown field [{k}]");
                }
            }
        }

        if (actions is null || actions.Count == 0)
        {
            throw EsException.Validation("Must specify at least one alias action");
        }

        // Work on a copy; commit only if every action and the final state are valid.
        var working = _indices.Values.ToDictionary(
            i => i.Name,
            i => new SortedDictionary<string, AliasMeta>(i.Aliases, StringComparer.Ordinal),
            StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var now = Now();

        foreach (var actionNode in actions)
        {
            var action = JsonUtil.ExpectObject(actionNode, "actions");
            if (action.Count != 1)
            {
                throw EsException.XContentParse("[1:2] [alias_action] expected exactly one action but found " + action.Count);
            }

            var (type, specNode) = action.First();
            var spec = JsonUtil.ExpectObject(specNode, type);
            switch (type)
            {
                case "add":
                {
                    foreach (var (k, _) in spec)
                    {
                        if (!AddActionKeys.Contains(k))
                        {
                            throw EsException.XContentParse($"[1:2] [add] unknown field [{k}]");
                        }
                    }

                    var indices = ActionIndices(spec, working, removed, now);
                    var aliases = ActionNames(spec, "alias", "aliases", now);
                    var metaDef = new JsonObject();
                    foreach (var (k, v) in spec)
                    {
                        if (AliasBodyKeys.Contains(k))
                        {
                            metaDef[k] = v?.DeepClone();
                        }
                    }

                    if (spec["must_exist"] is not null)
                    {
                        throw EsException.IllegalArgument("[must_exist] is unsupported for [ADD]");
                    }

                    var meta = ParseAliasMeta(metaDef, AliasBodyKeys);
                    foreach (var alias in aliases)
                    {
                        if (IndexNames.IsWildcard(alias))
                        {
                            throw EsException.InvalidAliasName(alias, "must not contain the following characters [' ', '\"', '*', ',', '/', '<', '>', '?', '\\\\', '|']");
                        }

                        IndexNames.ValidateAliasName(alias);
                        foreach (var index in indices)
                        {
                            working[index][alias] = meta;
                        }
                    }

                    break;
                }

                case "remove":
                {
                    var indices = ActionIndices(spec, working, removed, now);
                    var aliases = ActionNames(spec, "alias", "aliases", now);
                    var mustExist = spec["must_exist"] is not { } me || JsonUtil.ToBool(me, "must_exist");
                    var missing = new List<string>();
                    foreach (var alias in aliases)
                    {
                        var any = false;
                        foreach (var index in indices)
                        {
                            foreach (var name in working[index].Keys.Where(a => a == alias || (IndexNames.IsWildcard(alias) && IndexNames.SimpleMatch(alias, a))).ToList())
                            {
                                working[index].Remove(name);
                                any = true;
                            }
                        }

                        if (!any && !IndexNames.IsWildcard(alias))
                        {
                            missing.Add(alias);
                        }
                    }

                    if (missing.Count > 0 && mustExist && spec["must_exist"] is not null)
                    {
                        throw new EsException(404, "resource_not_found_exception",
                            $"required alias [{string.Join(",", missing)}] does not exist");
                    }

                    if (missing.Count > 0 && spec["must_exist"] is null)
                    {
                        throw new EsException(404, "aliases_not_found_exception", $"aliases [{string.Join(",", missing)}] missing")
                            .With("resource.type", "aliases").With("resource.id", string.Join(",", missing));
                    }

                    break;
                }

                case "remove_index":
                {
                    foreach (var (k, _) in spec)
                    {
                        if (k is not ("index" or "indices" or "must_exist"))
                        {
                            throw EsException.XContentParse($"[1:2] [remove_index] unknown field [{k}]");
                        }
                    }

                    foreach (var index in ActionIndices(spec, working, removed, now))
                    {
                        removed.Add(index);
                        working.Remove(index);
                    }

                    break;
                }

                default:
                    throw EsException.XContentParse($"[1:2] [alias_action] unknown field [{type}]");
            }
        }

        ValidateAliasInvariants(working);
        foreach (var name in removed)
        {
            _indices.Remove(name);
        }

        foreach (var (name, aliases) in working)
        {
            _indices[name].Aliases = aliases;
        }

        AliasesChanged();

        return new JsonObject { ["acknowledged"] = true, ["errors"] = false };
    }

    private List<string> ActionNames(JsonObject spec, string single, string plural, long now)
    {
        var names = new List<string>();
        if (spec[single] is { } one)
        {
            names.Add(JsonUtil.ScalarText(one));
        }

        if (spec[plural] is { } many)
        {
            if (many is JsonArray arr)
            {
                names.AddRange(arr.Select(JsonUtil.ScalarText));
            }
            else
            {
                names.Add(JsonUtil.ScalarText(many));
            }
        }

        if (names.Count == 0)
        {
            throw EsException.Validation($"One of [{single}] or [{plural}] is required");
        }

        return names.Select(n => IndexNames.ResolveDateMath(n, now)).ToList();
    }

    /// <summary>The concrete (not yet removed) indices named by an alias action; aliases are not accepted.</summary>
    private List<string> ActionIndices(JsonObject spec, Dictionary<string, SortedDictionary<string, AliasMeta>> working, HashSet<string> removed, long now)
    {
        var result = new List<string>();
        foreach (var expr in ActionNames(spec, "index", "indices", now))
        {
            if (IndexNames.IsWildcard(expr))
            {
                result.AddRange(working.Keys.Where(n => IndexNames.SimpleMatch(expr, n) && !_indices[n].Hidden).OrderBy(n => n, StringComparer.Ordinal));
                continue;
            }

            if (working.ContainsKey(expr))
            {
                result.Add(expr);
                continue;
            }

            if (!removed.Contains(expr) && working.Values.Any(a => a.ContainsKey(expr)))
            {
                throw EsException.IllegalArgument(
                    $"The provided expression [{expr}] matches an alias, specify the corresponding concrete indices instead.");
            }

            throw EsException.IndexNotFound(expr);
        }

        if (result.Count == 0)
        {
            throw EsException.IndexNotFound(string.Join(",", ActionNames(spec, "index", "indices", now)));
        }

        return result.Distinct(StringComparer.Ordinal).ToList();
    }

    public JsonObject PutAlias(string indexExpression, string aliasName, JsonNode? body)
    {
        var spec = body is null ? new JsonObject() : (JsonObject)JsonUtil.ExpectObject(body, "alias").DeepClone();
        foreach (var (k, _) in spec)
        {
            if (!AliasBodyKeys.Contains(k))
            {
                throw EsException.IllegalArgument($"Unsupported field [{k}]");
            }
        }

        spec["index"] = indexExpression.Contains(',', StringComparison.Ordinal)
            ? null
            : indexExpression;
        if (indexExpression.Contains(',', StringComparison.Ordinal))
        {
            spec.Remove("index");
            spec["indices"] = new JsonArray(IndexNames.SplitCommas(indexExpression).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }

        spec["alias"] = aliasName;
        return UpdateAliases(new JsonObject { ["actions"] = new JsonArray(new JsonObject { ["add"] = spec }) });
    }

    public JsonObject DeleteAlias(string indexExpression, string aliasNames)
    {
        var targets = Resolve(indexExpression, IndicesOptions.AliasActions);
        var names = IndexNames.SplitCommas(aliasNames);
        var any = false;
        var missing = new List<string>();
        foreach (var name in names)
        {
            var found = targets.Any(t => t.Index.Aliases.Keys.Any(a =>
                a == name || name == "_all" || (IndexNames.IsWildcard(name) && IndexNames.SimpleMatch(name, a))));

            if (!found && !IndexNames.IsWildcard(name) && name != "_all")
            {
                missing.Add(name);
            }

            any |= found;
        }

        if (!any || missing.Count > 0)
        {
            throw new EsException(404, "aliases_not_found_exception", $"aliases [{string.Join(",", names)}] missing")
                .With("resource.type", "aliases").With("resource.id", string.Join(",", names));
        }

        foreach (var t in targets)
        {
            var aliases = new SortedDictionary<string, AliasMeta>(t.Index.Aliases, StringComparer.Ordinal);
            foreach (var name in names)
            {
                foreach (var alias in aliases.Keys.Where(a => a == name || name == "_all" || (IndexNames.IsWildcard(name) && IndexNames.SimpleMatch(name, a))).ToList())
                {
                    aliases.Remove(alias);
                }
            }

            t.Index.Aliases = aliases;
        }

        AliasesChanged();

        return new JsonObject { ["acknowledged"] = true, ["errors"] = false };
    }

    /// <summary>GET/HEAD _alias: RestGetAliasesAction's response, with its 404 for explicitly named missing aliases.</summary>
    public (int Status, JsonObject Body) GetAliases(string? indexExpression, string? names, IndicesOptions options)
    {
        var namesProvided = names is not null;
        var requested = IndexNames.SplitCommas(names);
        if (requested.Count == 1 && requested[0] == "_all")
        {
            requested = [];
        }

        var targets = Resolve(indexExpression, options);
        var now = Now();
        requested = requested.Select(n => n.StartsWith('-') ? n : IndexNames.ResolveDateMath(n, now)).ToList();

        bool Matches(string alias)
        {
            if (requested.Count == 0)
            {
                return true;
            }

            var include = false;
            var wildcardSeen = false;
            foreach (var pattern in requested)
            {
                if (pattern.StartsWith('-') && wildcardSeen)
                {
                    if (IndexNames.SimpleMatch(pattern[1..], alias))
                    {
                        include = false;
                    }

                    continue;
                }

                if (IndexNames.IsWildcard(pattern))
                {
                    wildcardSeen = true;
                }

                if (pattern == "_all" || IndexNames.SimpleMatch(pattern, alias))
                {
                    include = true;
                }
            }

            return include;
        }

        var responseMap = new SortedDictionary<string, List<(string Alias, AliasMeta Meta)>>(StringComparer.Ordinal);
        var returned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in targets)
        {
            var list = t.Index.Aliases.Where(a => Matches(a.Key)).Select(a => (a.Key, a.Value)).ToList();
            responseMap[t.Index.Name] = list;
            foreach (var (alias, _) in list)
            {
                returned.Add(alias);
            }
        }

        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var firstWildcard = requested.FindIndex(IndexNames.IsWildcard);
        if (firstWildcard < 0)
        {
            firstWildcard = requested.Count;
        }

        for (var i = 0; i < requested.Count; i++)
        {
            var name = requested[i];
            if (name == "_all" || IndexNames.IsWildcard(name) || (i > firstWildcard && name.StartsWith('-')))
            {
                continue;
            }

            var j = Math.Max(i + 1, firstWildcard);
            for (; j < requested.Count; j++)
            {
                if (requested[j].StartsWith('-') &&
                    (IndexNames.SimpleMatch(requested[j][1..], name) || requested[j][1..] == "_all"))
                {
                    break;
                }
            }

            if (j == requested.Count && !returned.Contains(name))
            {
                missing.Add(name);
            }
        }

        var body = new JsonObject();
        var status = 200;
        if (missing.Count > 0)
        {
            status = 404;
            body["error"] = missing.Count == 1
                ? $"alias [{missing.Min}] missing"
                : $"aliases [{string.Join(",", missing)}] missing";
            body["status"] = 404;
        }

        foreach (var (index, list) in responseMap)
        {
            if (namesProvided && list.Count == 0)
            {
                continue;
            }

            var aliases = new JsonObject();
            foreach (var (alias, meta) in list.OrderBy(a => a.Alias, StringComparer.Ordinal))
            {
                aliases[alias] = meta.ToJson();
            }

            body[index] = new JsonObject { ["aliases"] = aliases };
        }

        return (status, body);
    }
}
