namespace BankLedger.Elasticsearch.TestServer;

/// <summary>How an index expression resolves (Elasticsearch's IndicesOptions).</summary>
internal sealed record IndicesOptions(
    bool IgnoreUnavailable,
    bool AllowNoIndices,
    bool ExpandOpen,
    bool ExpandClosed,
    bool ExpandHidden,
    bool ForbidClosed,
    bool IgnoreAliases)
{
    /// <summary>search, count, refresh.</summary>
    public static readonly IndicesOptions StrictExpandOpenForbidClosed = new(false, true, true, false, false, true, false);

    /// <summary>get index, mappings, settings, close.</summary>
    public static readonly IndicesOptions StrictExpandOpen = new(false, true, true, false, false, false, false);

    /// <summary>index exists (open and closed).</summary>
    public static readonly IndicesOptions StrictExpand = new(false, true, true, true, false, false, false);

    /// <summary>get aliases.</summary>
    public static readonly IndicesOptions StrictExpandHidden = new(false, true, true, true, true, false, false);

    /// <summary>cluster health.</summary>
    public static readonly IndicesOptions LenientExpandHidden = new(true, true, true, true, true, false, false);

    /// <summary>delete index: never resolves aliases.</summary>
    public static readonly IndicesOptions DeleteIndex = new(false, true, true, true, false, false, true);

    /// <summary>put mapping: an expression matching nothing is an error.</summary>
    public static readonly IndicesOptions Update = new(false, false, true, true, false, false, false);

    /// <summary>alias actions: concrete indices only.</summary>
    public static readonly IndicesOptions AliasActions = new(false, true, true, true, false, false, true);

    /// <summary>Applies expand_wildcards, ignore_unavailable and allow_no_indices request parameters.</summary>
    public IndicesOptions WithParams(EsRequest request)
    {
        var o = this;
        if (request.Param("expand_wildcards") is { } ew)
        {
            bool open = false, closed = false, hidden = false;
            foreach (var w in IndexNames.SplitCommas(ew))
            {
                switch (w)
                {
                    case "open":
                        open = true;
                        break;
                    case "closed":
                        closed = true;
                        break;
                    case "hidden":
                        hidden = true;
                        break;
                    case "none":
                        open = closed = hidden = false;
                        break;
                    case "all":
                        open = closed = hidden = true;
                        break;
                    default:
                        throw EsException.IllegalArgument($"No valid expand wildcard value [{w}]");
                }
            }

            o = o with { ExpandOpen = open, ExpandClosed = closed, ExpandHidden = hidden };
        }

        if (request.Param("ignore_unavailable") is { Length: > 0 } iu)
        {
            o = o with { IgnoreUnavailable = JsonUtil.ParseBool(iu, "ignore_unavailable") };
        }

        if (request.Param("allow_no_indices") is { Length: > 0 } ani)
        {
            o = o with { AllowNoIndices = JsonUtil.ParseBool(ani, "allow_no_indices") };
        }

        if (request.Param("ignore_throttled") is { Length: > 0 } it)
        {
            JsonUtil.ParseBool(it, "ignore_throttled");
        }

        return o;
    }
}

/// <summary>A concrete index reached by an expression, and the aliases it was reached through (for alias filters).</summary>
internal sealed record Target(EsIndex Index, bool Direct, IReadOnlyList<string> ViaAliases);
