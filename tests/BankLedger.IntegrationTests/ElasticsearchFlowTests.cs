using System.Diagnostics;
using BankLedger.Elasticsearch.TestServer;
using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests;

/// <summary>
/// The production read path end to end: command → journal → projection → Elasticsearch (the in-process
/// compatible server) → query, on a node with every role and on a separate query-only node.
/// </summary>
public sealed class ElasticsearchFlowTests : IAsyncLifetime
{
    private ElasticsearchTestServer _elasticsearch = null!;

    public async Task InitializeAsync() => _elasticsearch = await ElasticsearchTestServer.StartAsync();

    public async Task DisposeAsync() => await _elasticsearch.DisposeAsync();

    private Dictionary<string, string> ElasticsearchSettings(string prefix, string roles = "gateway,ledger,projection,query") => new()
    {
        ["Ledger:Roles"] = roles,
        ["Ledger:ReadStore:Provider"] = "elasticsearch",
        ["Ledger:ReadStore:Elasticsearch:Url"] = _elasticsearch.Url.ToString(),
        ["Ledger:ReadStore:Elasticsearch:IndexPrefix"] = prefix,
    };

    [Fact]
    public async Task Commands_are_projected_into_elasticsearch_and_served_by_the_query_endpoints()
    {
        await using var app = await LedgerApp.StartAsync(overrides: ElasticsearchSettings("flow"));
        var client = app.CreateClient();
        await client.OpenAsync("acc-es", "c1", overdraft: 500).ExpectAsync(200);
        await client.DepositAsync("acc-es", "c2", 1_000).ExpectAsync(200);
        var withdrawn = await client.WithdrawAsync("acc-es", "c3", 1_200).ExpectAsync(200);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/queries/accounts/acc-es/balance");
        request.Headers.Add("X-Consistency-Token", withdrawn.GetProperty("consistency_token").GetString());
        var balance = await client.SendAsync(request).ExpectAsync(200);
        Assert.Equal(-200, balance.GetProperty("current_balance_cents").GetInt64());
        Assert.Equal(3, balance.GetProperty("last_updated_sequence").GetInt64());

        var first = await client.GetAsync("/v1/queries/accounts/acc-es/transactions?limit=2").ExpectAsync(200);
        Assert.Equal([3L, 2L], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetInt64()));
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await client.GetAsync($"/v1/queries/accounts/acc-es/transactions?limit=2&cursor={cursor}").ExpectAsync(200);
        Assert.Equal([1L], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetInt64()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task A_query_only_node_serves_what_the_ledger_node_projected()
    {
        await using var ledger = await LedgerApp.StartAsync(overrides: ElasticsearchSettings("split", roles: "gateway,ledger,projection"));
        await using var query = await LedgerApp.StartAsync(overrides: ElasticsearchSettings("split", roles: "query"));
        var writer = ledger.CreateClient();
        var reader = query.CreateClient();
        await writer.OpenAsync("acc-split", "c1").ExpectAsync(200);
        await writer.DepositAsync("acc-split", "c2", 4_200).ExpectAsync(200);

        var balance = await reader.BalanceAsync("acc-split", minSequence: 2);
        Assert.Equal(4_200, balance.GetProperty("current_balance_cents").GetInt64());
        // The query node has no command endpoints and the ledger node no query endpoints.
        await reader.DepositAsync("acc-split", "c3", 1).ExpectProblemAsync(404, "not_found");
        await writer.GetAsync("/v1/queries/accounts/acc-split/balance").ExpectProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Queries_answer_503_quickly_when_elasticsearch_is_down()
    {
        await using var app = await LedgerApp.StartAsync(overrides: ElasticsearchSettings("down", roles: "query"));
        var client = app.CreateClient();
        await _elasticsearch.DisposeAsync();

        var watch = Stopwatch.StartNew();
        await client.GetAsync("/v1/queries/accounts/acc-any/balance").ExpectProblemAsync(503, "read_store_unavailable");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        _elasticsearch = await ElasticsearchTestServer.StartAsync(); // for DisposeAsync
    }
}
