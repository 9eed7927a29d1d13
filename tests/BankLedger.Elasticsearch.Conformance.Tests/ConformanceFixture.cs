using BankLedger.Elasticsearch.Conformance.Tests.Yaml;
using BankLedger.Elasticsearch.TestServer;

namespace BankLedger.Elasticsearch.Conformance.Tests;

/// <summary>
/// One test server for the YAML suite, configured like Elasticsearch's own YAML test clusters
/// (<c>action.destructive_requires_name: false</c>), and a runner pointed at it.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private ElasticsearchTestServer? _server;
    private YamlRunner? _runner;

    public YamlRunner Runner => _runner ?? throw new InvalidOperationException("fixture not initialized");

    public async Task InitializeAsync()
    {
        _server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions { DestructiveRequiresName = false });
        var root = ConformanceData.Directory;
        if (root is not null)
        {
            _runner = new YamlRunner(_server.Url, root);
        }
    }

    public async Task DisposeAsync()
    {
        _runner?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
