using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>
/// One version of a document (or a delete tombstone). Immutable: every write creates a new instance, so
/// a refreshed searcher keeps seeing the versions it captured.
/// </summary>
internal sealed class Doc
{
    public required string Id { get; init; }

    public required JsonElement Source { get; init; }

    public required long Version { get; init; }

    public required long SeqNo { get; init; }

    public required long PrimaryTerm { get; init; }

    public required bool Deleted { get; init; }

    /// <summary>Lucene-like doc order: a new order for every write, used to break ties.</summary>
    public required long Order { get; init; }

    public string? Routing { get; init; }

    public required IReadOnlyDictionary<string, List<FieldValue>> Fields { get; init; }
}

internal sealed class AliasMeta
{
    public JsonObject? Filter { get; init; }

    public Query? ParsedFilter { get; init; }

    public string? IndexRouting { get; init; }

    public string? SearchRouting { get; init; }

    public bool? IsWriteIndex { get; init; }

    public bool? IsHidden { get; init; }

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (Filter is not null)
        {
            o["filter"] = Filter.DeepClone();
        }

        if (IndexRouting is not null)
        {
            o["index_routing"] = IndexRouting;
        }

        if (SearchRouting is not null)
        {
            o["search_routing"] = SearchRouting;
        }

        if (IsWriteIndex is not null)
        {
            o["is_write_index"] = IsWriteIndex.Value;
        }

        if (IsHidden is not null)
        {
            o["is_hidden"] = IsHidden.Value;
        }

        return o;
    }
}

/// <summary>An index: settings, mapping, aliases, live documents and the last refreshed searcher.</summary>
internal sealed class EsIndex
{
    private Doc[] _searchable = [];
    private Dictionary<string, Doc> _searchableById = new(StringComparer.Ordinal);
    private bool _dirty;
    private long _order;

    public EsIndex(string name, string uuid, long creationDate, SortedDictionary<string, JsonNode> settings, IndexMapping mapping)
    {
        Name = name;
        Uuid = uuid;
        CreationDate = creationDate;
        Settings = settings;
        Mapping = mapping;
    }

    public string Name { get; }

    public string Uuid { get; }

    public long CreationDate { get; }

    /// <summary>Flat settings ("index.number_of_shards" → "1").</summary>
    public SortedDictionary<string, JsonNode> Settings { get; }

    public IndexMapping Mapping { get; set; }

    public SortedDictionary<string, AliasMeta> Aliases { get; set; } = new(StringComparer.Ordinal);

    public bool Closed { get; set; }

    public Dictionary<string, Doc> Docs { get; } = new(StringComparer.Ordinal);

    public long MaxSeqNo { get; set; } = -1;

    public long PrimaryTerm => 1;

    public int NumberOfShards => int.Parse(Setting("index.number_of_shards") ?? "1", CultureInfo.InvariantCulture);

    /// <summary>Replicas after auto-expansion on this single-node cluster.</summary>
    public int NumberOfReplicas
    {
        get
        {
            var auto = Setting("index.auto_expand_replicas");
            if (auto is not null && auto != "false")
            {
                var lo = int.Parse(auto.Split('-')[0], CultureInfo.InvariantCulture);
                return lo; // one node: max(lo, min(hi, nodes - 1)) = lo
            }

            return int.Parse(Setting("index.number_of_replicas") ?? "1", CultureInfo.InvariantCulture);
        }
    }

    public bool Hidden => Setting("index.hidden") == "true";

    public int MaxResultWindow => int.Parse(Setting("index.max_result_window") ?? "10000", CultureInfo.InvariantCulture);

    public int TotalFieldsLimit => int.Parse(Setting("index.mapping.total_fields.limit") ?? "1000", CultureInfo.InvariantCulture);

    public string? Setting(string key) => Settings.TryGetValue(key, out var v) ? JsonUtil.ScalarText(v) : null;

    public long NextOrder() => ++_order;

    public long NextSeqNo() => ++MaxSeqNo;

    public void MarkDirty() => _dirty = true;

    /// <summary>
    /// Makes every write so far visible to search (and to realtime=false gets). The test server never refreshes
    /// on its own: only explicit refreshes and <c>?refresh=true|wait_for</c> do, so tests notice a missing refresh.
    /// </summary>
    public void Refresh()
    {
        if (!_dirty)
        {
            return;
        }

        var live = Docs.Values.Where(d => !d.Deleted).OrderBy(d => d.Order).ToArray();
        _searchable = live;
        _searchableById = live.ToDictionary(d => d.Id, StringComparer.Ordinal);
        _dirty = false;
    }

    /// <summary>The documents visible to search as of the last refresh, in doc order.</summary>
    public IReadOnlyList<Doc> Searchable => _searchable;

    public Doc? SearchableById(string id) => _searchableById.GetValueOrDefault(id);

    public int ActivePrimaries => NumberOfShards;

    public int UnassignedReplicas => NumberOfShards * NumberOfReplicas;

    public JsonObject SettingsJson(bool flat)
    {
        var o = new JsonObject();
        foreach (var (k, v) in Settings)
        {
            if (flat)
            {
                o[k] = v.DeepClone();
                continue;
            }

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

            target[parts[^1]] = v.DeepClone();
        }

        return o;
    }

    public JsonObject AliasesJson()
    {
        var o = new JsonObject();
        foreach (var (name, meta) in Aliases)
        {
            o[name] = meta.ToJson();
        }

        return o;
    }
}
