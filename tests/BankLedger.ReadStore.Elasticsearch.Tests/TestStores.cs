using BankLedger.ReadStore.Elasticsearch;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>Store options and index cleanup shared by the test classes.</summary>
internal static class TestStores
{
    /// <summary>A prefix no other test uses, so tests can share one server or cluster.</summary>
    public static string NewPrefix() => "bltest-" + Guid.NewGuid().ToString("N");

    public static ElasticsearchReadStoreOptions Options(Uri url, string prefix) => new()
    {
        Urls = [url],
        IndexPrefix = prefix,
    };

    /// <summary>Deletes the concrete indices of <paramref name="options"/>' prefix (named explicitly: clusters
    /// refuse wildcard deletes by default).</summary>
    public static async Task DeleteIndicesAsync(ElasticsearchReadStoreOptions options)
    {
        NodePool pool = options.Urls.Count == 1 ? new SingleNodePool(options.Urls[0]) : new StaticNodePool(options.Urls.Select(u => new Node(u)));
        var settings = new ElasticsearchClientSettings(pool).RequestTimeout(TimeSpan.FromSeconds(10));
        if (options.ApiKey is not null) settings = settings.Authentication(new ApiKey(options.ApiKey));
        else if (options.Username is not null) settings = settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        if (options.CertificateFingerprint is not null) settings = settings.CertificateFingerprint(options.CertificateFingerprint);
        using (settings)
        {
            var client = new ElasticsearchClient(settings);
            var names = string.Join(',', new[] { "accounts", "transactions", "checkpoints" }.Select(n => $"{options.IndexPrefix}-{n}-v1"));
            await client.Indices.DeleteAsync(new Elastic.Clients.Elasticsearch.IndexManagement.DeleteIndexRequest(Indices.Parse(names))
            {
                IgnoreUnavailable = true,
            });
        }
    }
}
