using BankLedger.Elasticsearch.TestServer;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>One in-process Elasticsearch-compatible server per test class; tests isolate by index prefix.</summary>
public sealed class TestServerFixture : IAsyncLifetime
{
    private ElasticsearchTestServer? _server;

    public ElasticsearchTestServer Server => _server ?? throw new InvalidOperationException("the server is not started");

    public Uri Url => Server.Url;

    public async Task InitializeAsync() => _server = await ElasticsearchTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
