using System.Globalization;
using System.Net;
using System.Text.Json;
using BankLedger.Api;
using BankLedger.IntegrationTests.Support;
using BankLedger.TestSupport;

namespace BankLedger.IntegrationTests.Http;

/// <summary>The query endpoints through real HTTP: lookups, history paging, parameter validation, read-your-writes.</summary>
public sealed class QueryTests(SqliteLedgerFixture fixture) : IClassFixture<SqliteLedgerFixture>
{
    private readonly HttpClient _client = fixture.CreateClient();

    private static string BalancePath(string account) => $"/v1/queries/accounts/{account}/balance";

    // ----- lookups ---------------------------------------------------------------------------------

    [Fact]
    public async Task The_balance_of_an_unknown_account_is_404_account_not_found()
    {
        var account = Ids.Account();
        var problem = await _client.GetAsync(BalancePath(account)).ExpectProblemAsync(404, "account_not_found");
        Assert.Contains(account, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await _client.GetTransactionsAsync(account).ExpectProblemAsync(404, "account_not_found");
    }

    [Theory]
    [InlineData("bad%20id")]
    [InlineData("acc%23one")]
    [InlineData("k%C3%B6nto")]
    [InlineData("@65")]
    public async Task An_invalid_account_id_in_the_path_is_400_invalid_id(string escapedId)
    {
        // "@65": one character over the 64-character limit, otherwise valid.
        var id = escapedId == "@65" ? "id-" + new string('x', 62) : escapedId;
        await _client.GetAsync(BalancePath(id)).ExpectProblemAsync(400, "invalid_id");
        await _client.GetTransactionsAsync(id).ExpectProblemAsync(400, "invalid_id");
    }

    // ----- history ---------------------------------------------------------------------------------

    [Fact]
    public async Task History_is_newest_first_and_pages_through_the_cursor_until_next_cursor_is_null()
    {
        var account = await _client.OpenNewAccountAsync(overdraft: 1_000);
        var commandIds = new List<string>();
        for (var i = 1; i <= 6; i++)
        {
            var id = Ids.Command();
            commandIds.Add(id);
            var response = i % 3 == 0
                ? _client.WithdrawAsync(account, id, 10 * i)
                : _client.DepositAsync(account, id, 100 * i);
            Assert.Equal(i + 1, await response.SequenceAsync());
        }

        var pages = new List<JsonElement[]>();
        var query = "limit=3&min_sequence=7";
        while (true)
        {
            var page = await _client.GetTransactionsAsync(account, query).ExpectAsync(200);
            page.AssertProperties("aggregate_id", "items", "next_cursor");
            Assert.Equal(account, page.GetProperty("aggregate_id").GetString());
            pages.Add(page.GetProperty("items").EnumerateArray().ToArray());
            var cursor = page.GetProperty("next_cursor");
            if (cursor.ValueKind == JsonValueKind.Null) break;
            Assert.True(pages.Count < 5, "paging does not end");
            query = $"limit=3&cursor={Uri.EscapeDataString(cursor.GetString()!)}";
        }

        Assert.Equal(new[] { 3, 3, 1 }, pages.Select(p => p.Length));
        var items = pages.SelectMany(p => p).ToArray();
        Assert.Equal(new long[] { 7, 6, 5, 4, 3, 2, 1 }, items.Select(t => t.GetProperty("sequence").GetInt64()));
        Assert.All(items, t => t.AssertProperties(HttpExtras.TransactionShape));

        var opened = items[^1];
        Assert.Equal("AccountOpened", opened.GetProperty("event_type").GetString());
        Assert.Equal(JsonValueKind.Null, opened.GetProperty("amount_cents").ValueKind);
        Assert.Equal(0, opened.GetProperty("balance_after_cents").GetInt64());

        // Newest first: items[0] is the 6th command (a withdrawal of 60), items[5] the first deposit.
        Assert.Equal(commandIds.AsEnumerable().Reverse(), items[..6].Select(t => t.GetProperty("command_id").GetString()));
        var newest = items[0];
        Assert.Equal("FundsWithdrawn", newest.GetProperty("event_type").GetString());
        Assert.Equal(60, newest.GetProperty("amount_cents").GetInt64());
        Assert.Equal("USD", newest.GetProperty("currency").GetString());
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("reference").ValueKind); // the withdrawals carry none
        Assert.Equal("test", items[1].GetProperty("reference").GetString()); // the deposits do
        Assert.Equal(100 + 200 - 30 + 400 + 500 - 60, newest.GetProperty("balance_after_cents").GetInt64());
        Assert.Equal(DateTimeOffset.Parse(Bodies.CreatedAt, CultureInfo.InvariantCulture),
            newest.GetProperty("created_at").AssertRfc3339());
        newest.GetProperty("occurred_at").AssertRfc3339();

        // Without a limit, one page holds everything and there is no next cursor.
        var all = await _client.GetTransactionsAsync(account).ExpectAsync(200);
        Assert.Equal(7, all.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task History_keeps_the_client_created_at_instant_and_the_server_occurred_at()
    {
        var account = await _client.OpenNewAccountAsync();
        var accepted = await _client.PostCommandAsync("deposit",
            Bodies.Deposit(account, Ids.Command(), 5).Set("created_at", "\"2026-01-02T03:04:05.678+02:00\"")).ExpectAsync(200);
        var page = await _client.GetTransactionsAsync(account, "limit=1&min_sequence=2").ExpectAsync(200);
        var entry = page.GetProperty("items")[0];
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 1, 4, 5, 678, TimeSpan.Zero), entry.GetProperty("created_at").AssertRfc3339());
        Assert.Equal(accepted.GetProperty("occurred_at").AssertRfc3339(), entry.GetProperty("occurred_at").AssertRfc3339());
    }

    [Fact]
    public async Task A_limit_equal_to_the_number_of_entries_gives_one_page_without_a_cursor()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.DepositAsync(account, Ids.Command(), 5).ExpectAsync(200);
        var page = await _client.GetTransactionsAsync(account, "limit=2&min_sequence=2").ExpectAsync(200);
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("2.5")]
    public async Task A_limit_outside_1_to_500_is_400_invalid_limit(string limit)
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.GetTransactionsAsync(account, $"limit={limit}").ExpectProblemAsync(400, "invalid_limit");
    }

    [Fact]
    public async Task Limits_1_and_500_are_accepted()
    {
        var account = await _client.OpenNewAccountAsync();
        var one = await _client.GetTransactionsAsync(account, "limit=1&min_sequence=1").ExpectAsync(200);
        Assert.Equal(1, one.GetProperty("items").GetArrayLength());
        await _client.GetTransactionsAsync(account, "limit=500").ExpectAsync(200);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("aGMxfDA")] // base64url of "hc1|0": a cursor must point above sequence 0
    [InlineData("Y3QxfGFjYy0xfDI")] // a consistency token is not a cursor
    [InlineData("")]
    public async Task A_cursor_this_API_did_not_issue_is_400_invalid_cursor(string cursor)
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.GetTransactionsAsync(account, $"cursor={cursor}").ExpectProblemAsync(400, "invalid_cursor");
    }

    [Fact]
    public async Task A_min_sequence_that_is_not_a_non_negative_integer_is_400_invalid_min_sequence()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.GetAsync($"{BalancePath(account)}?min_sequence=abc").ExpectProblemAsync(400, "invalid_min_sequence");
        await _client.GetAsync($"{BalancePath(account)}?min_sequence=-1").ExpectProblemAsync(400, "invalid_min_sequence");
    }

    // ----- read-your-writes ------------------------------------------------------------------------

    [Fact]
    public async Task The_consistency_token_of_a_command_makes_the_next_read_include_that_command()
    {
        var account = await _client.OpenNewAccountAsync();
        for (var i = 0; i < 5; i++)
        {
            var accepted = await _client.DepositAsync(account, Ids.Command(), 100).ExpectAsync(200);
            var sequence = accepted.GetProperty("sequence").GetInt64();

            using var request = new HttpRequestMessage(HttpMethod.Get, BalancePath(account));
            request.Headers.Add(QueryEndpoints.ConsistencyTokenHeader, accepted.GetProperty("consistency_token").GetString());
            var view = await _client.SendAsync(request).ExpectAsync(200);
            Assert.True(view.GetProperty("last_updated_sequence").GetInt64() >= sequence);
            Assert.Equal(100 * (i + 1), view.GetProperty("current_balance_cents").GetInt64());

            using var history = new HttpRequestMessage(HttpMethod.Get, $"/v1/queries/accounts/{account}/transactions?limit=1");
            history.Headers.Add(QueryEndpoints.ConsistencyTokenHeader, accepted.GetProperty("consistency_token").GetString());
            var page = await _client.SendAsync(history).ExpectAsync(200);
            Assert.Equal(sequence, page.GetProperty("items")[0].GetProperty("sequence").GetInt64());
        }
    }

    [Fact]
    public async Task A_consistency_token_issued_for_another_account_is_400_invalid_consistency_token()
    {
        var mine = await _client.OpenNewAccountAsync();
        var other = Ids.Account();
        var token = (await _client.OpenAsync(other, Ids.Command()).ExpectAsync(200)).GetProperty("consistency_token").GetString();

        foreach (var path in new[] { BalancePath(mine), $"/v1/queries/accounts/{mine}/transactions" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(QueryEndpoints.ConsistencyTokenHeader, token);
            await _client.SendAsync(request).ExpectProblemAsync(400, "invalid_consistency_token");
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("aGMxfDE")] // a history cursor is not a consistency token
    public async Task A_consistency_token_this_API_did_not_issue_is_400_invalid_consistency_token(string token)
    {
        var account = await _client.OpenNewAccountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, BalancePath(account));
        request.Headers.Add(QueryEndpoints.ConsistencyTokenHeader, token);
        await _client.SendAsync(request).ExpectProblemAsync(400, "invalid_consistency_token");
    }
}

/// <summary>A node whose queries wait at most 300 ms for the projection, so "lagging" answers come fast.</summary>
public sealed class ProjectionLaggingTests(ShortReadYourWritesLedgerFixture fixture) : IClassFixture<ShortReadYourWritesLedgerFixture>
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_min_sequence_the_projection_never_reaches_is_504_projection_lagging()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.DepositAsync(account, Ids.Command(), 5).ExpectAsync(200);

        var started = System.Diagnostics.Stopwatch.StartNew();
        await _client.GetAsync($"/v1/queries/accounts/{account}/balance?min_sequence=1000000")
            .ExpectProblemAsync(504, "projection_lagging");
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {started.Elapsed}, before the wait was over");
        await _client.GetTransactionsAsync(account, "min_sequence=1000000").ExpectProblemAsync(504, "projection_lagging");

        // The same account is served once the projection got there (each try waits at most 300 ms; a loaded
        // machine may need several).
        var view = await Eventually.Value(async () =>
        {
            using var response = await _client.GetAsync($"/v1/queries/accounts/{account}/balance?min_sequence=2");
            if (response.StatusCode == HttpStatusCode.GatewayTimeout) return (JsonElement?)null;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }, TimeSpan.FromSeconds(20), "the projection to reach sequence 2");
        Assert.Equal(5, view.GetProperty("current_balance_cents").GetInt64());
    }

    [Fact]
    public async Task A_min_sequence_for_an_account_that_does_not_exist_yet_is_504_projection_lagging()
    {
        await _client.GetAsync($"/v1/queries/accounts/{Ids.Account()}/balance?min_sequence=1")
            .ExpectProblemAsync(504, "projection_lagging");
    }
}
