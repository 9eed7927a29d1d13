namespace BankLedger.ReadStore.Elasticsearch;

/// <summary>
/// Where and how <see cref="ElasticsearchReadStore"/> reaches the cluster. Built from the
/// <c>Ledger:ReadStore:Elasticsearch</c> section (<c>Url</c> may list several nodes, comma-separated: use
/// <see cref="ParseUrls"/>). Authenticate with <see cref="ApiKey"/> or <see cref="Username"/>/<see cref="Password"/>;
/// <see cref="CertificateFingerprint"/> pins a self-signed cluster CA (the ES 8+/9 default install).
/// </summary>
public sealed record ElasticsearchReadStoreOptions
{
    /// <summary>One or more node URLs; requests are spread over them and fail over between them.</summary>
    public required IReadOnlyList<Uri> Urls { get; init; }

    /// <summary>Encoded API key (base64 of <c>id:key</c>, as Kibana shows it). Takes precedence over basic auth.</summary>
    public string? ApiKey { get; init; }

    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>SHA-256 fingerprint (hex, colons optional) of the cluster's CA or node certificate.</summary>
    public string? CertificateFingerprint { get; init; }

    /// <summary>Prefix of every index and alias the store creates: <c>{prefix}-accounts</c>, ... Lowercase.</summary>
    public string IndexPrefix { get; init; } = "bankledger";

    /// <summary>Bound on every read (GET, mget, search): an unreachable or hung cluster turns into
    /// <see cref="Projections.ReadStoreUnavailableException"/> after this long.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bound on each projection write (bulk with refresh, checkpoint) and on the index set-up at start.
    /// Longer than reads: a bulk of a thousand documents plus a refresh, or a cluster still warming up when the
    /// node starts, legitimately takes longer than a GET; it is still bounded.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Splits a comma-separated URL list (<c>http://es1:9200, http://es2:9200</c>) into absolute http(s) URIs.</summary>
    /// <exception cref="ArgumentException">The list is empty or holds something that is not an absolute http(s) URL.</exception>
    public static IReadOnlyList<Uri> ParseUrls(string? commaSeparated)
    {
        var urls = new List<Uri>();
        foreach (var part in (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"'{part}' is not an absolute http(s) URL.", nameof(commaSeparated));
            }

            urls.Add(uri);
        }

        if (urls.Count == 0)
        {
            throw new ArgumentException("At least one Elasticsearch URL is required.", nameof(commaSeparated));
        }

        return urls;
    }
}
