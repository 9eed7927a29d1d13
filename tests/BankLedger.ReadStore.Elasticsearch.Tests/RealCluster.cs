using BankLedger.ReadStore.Elasticsearch;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>
/// The opt-in real cluster: set <c>BANKLEDGER_TEST_ELASTICSEARCH_URL</c> (comma-separated node URLs) and optionally
/// <c>BANKLEDGER_TEST_ELASTICSEARCH_APIKEY</c> or <c>..._USERNAME</c>/<c>..._PASSWORD</c>, and
/// <c>..._CERTIFICATE_FINGERPRINT</c> for a self-signed cluster CA.
/// </summary>
internal static class RealCluster
{
    public const string UrlVariable = "BANKLEDGER_TEST_ELASTICSEARCH_URL";

    public static string? Url => Variable(UrlVariable);

    public static ElasticsearchReadStoreOptions Options(string indexPrefix) => new()
    {
        Urls = ElasticsearchReadStoreOptions.ParseUrls(Url),
        ApiKey = Variable("BANKLEDGER_TEST_ELASTICSEARCH_APIKEY"),
        Username = Variable("BANKLEDGER_TEST_ELASTICSEARCH_USERNAME"),
        Password = Variable("BANKLEDGER_TEST_ELASTICSEARCH_PASSWORD"),
        CertificateFingerprint = Variable("BANKLEDGER_TEST_ELASTICSEARCH_CERTIFICATE_FINGERPRINT"),
        IndexPrefix = indexPrefix,
        // A shared or remote cluster may be slower than loopback; still bounded.
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

/// <summary>
/// A theory that runs only when a real cluster is configured (<see cref="RealCluster.UrlVariable"/>); otherwise it
/// reports as skipped, saying how to enable it. The only conditional skip in the repository.
/// </summary>
public sealed class RealClusterTheoryAttribute : TheoryAttribute
{
    public RealClusterTheoryAttribute()
    {
        if (RealCluster.Url is null)
        {
            Skip = $"Set {RealCluster.UrlVariable} (and _USERNAME/_PASSWORD or _APIKEY) to run against a real Elasticsearch 9 cluster.";
        }
    }
}
