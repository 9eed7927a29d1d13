using BankLedger.Projections;
using BankLedger.Projections.Tests;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>The shared read-store contract, run against the adapter over the in-process test server (fresh
/// index prefix per test).</summary>
public sealed class ElasticsearchReadStoreContract(TestServerFixture server)
    : ReadStoreContract, IClassFixture<TestServerFixture>
{
    private readonly ElasticsearchReadStoreOptions _options = TestStores.Options(server.Url, TestStores.NewPrefix());

    protected override Task<IReadStore> CreateStoreAsync() => Task.FromResult<IReadStore>(new ElasticsearchReadStore(_options));

    protected override async Task<IReadStore> ReopenStoreAsync(IReadStore store)
    {
        await DisposeStoreAsync(store);
        return new ElasticsearchReadStore(_options);
    }

    protected override Task CleanupAsync() => TestStores.DeleteIndicesAsync(_options);
}
