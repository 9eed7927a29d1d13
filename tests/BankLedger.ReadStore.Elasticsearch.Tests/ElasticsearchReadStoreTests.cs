using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using BankLedger.Domain;
using BankLedger.Elasticsearch.TestServer;
using BankLedger.Projections;
using BankLedger.Projections.Tests;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>What the Elasticsearch adapter promises beyond the shared contract: index layout, external
/// versioning, item error handling, bounded behaviour when the cluster is down or hung, and recovery.</summary>
public sealed class ElasticsearchReadStoreTests(TestServerFixture server) : IClassFixture<TestServerFixture>, IAsyncLifetime
{
    private const string Projection = "accounts-0";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly HttpClient _http = new() { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _prefix = TestStores.NewPrefix();
    private readonly List<IAsyncDisposable> _owned = [];

    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        await TestStores.DeleteIndicesAsync(TestStores.Options(server.Url, _prefix));
        _http.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Initialize_creates_versioned_indices_behind_aliases_with_strict_explicit_mappings()
    {
        await NewStoreAsync();

        foreach (var (name, field, type) in new[]
                 {
                     ("accounts", "balance_cents", "long"),
                     ("transactions", "amount_cents", "long"),
                     ("checkpoints", "offset", "long"),
                 })
        {
            var aliases = await GetJsonAsync($"/_alias/{_prefix}-{name}");
            Assert.True(aliases.TryGetProperty($"{_prefix}-{name}-v1", out _), $"alias {_prefix}-{name} -> {_prefix}-{name}-v1");

            var mapping = (await GetJsonAsync($"/{_prefix}-{name}/_mapping")).GetProperty($"{_prefix}-{name}-v1").GetProperty("mappings");
            Assert.Equal("strict", mapping.GetProperty("dynamic").GetString());
            Assert.Equal(type, mapping.GetProperty("properties").GetProperty(field).GetProperty("type").GetString());
        }

        var transactions = (await GetJsonAsync($"/{_prefix}-transactions/_mapping"))
            .GetProperty($"{_prefix}-transactions-v1").GetProperty("mappings").GetProperty("properties");
        Assert.Equal("long", transactions.GetProperty("sequence").GetProperty("type").GetString());
        Assert.Equal("long", transactions.GetProperty("balance_after_cents").GetProperty("type").GetString());
        Assert.Equal("keyword", transactions.GetProperty("account_id").GetProperty("type").GetString());
        Assert.Equal("date", transactions.GetProperty("occurred_at").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Concurrent_initializers_all_succeed_over_one_set_of_indices()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToList();

        await Task.WhenAll(stores.Select(s => s.InitializeAsync(Ct)));

        var a = new AccountStream("acc-1");
        a.Open();
        await stores[0].ApplyAsync(Batch(1, a.Events), Ct);
        Assert.Equal(1, (await stores[3].GetAccountAsync(a.Account, Ct))?.LastSequence);
        var aliases = await GetJsonAsync($"/_alias/{_prefix}-accounts");
        Assert.Equal([$"{_prefix}-accounts-v1"], aliases.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Every_document_carries_an_external_version_equal_to_its_sequence_or_offset()
    {
        var store = await NewStoreAsync();
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        await store.ApplyAsync(Batch(7, a.Events), Ct);

        Assert.Equal(3, await VersionAsync(store.AccountsAlias, "acc-1"));
        for (var sequence = 1; sequence <= 3; sequence++)
        {
            Assert.Equal(sequence, await VersionAsync(store.TransactionsAlias, $"acc-1:{sequence:D19}"));
        }

        Assert.Equal(7, await VersionAsync(store.CheckpointsAlias, Projection));
        Assert.Equal("acc-1:0000000000000000003", ElasticsearchReadStore.TransactionId("acc-1", 3));
    }

    [Fact]
    public async Task A_replayed_batch_leaves_the_documents_at_the_newest_version()
    {
        var store = await NewStoreAsync();
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        a.Withdraw(50);
        a.Deposit(5);
        await store.ApplyAsync(Batch(5, a.Range(1, 5)), Ct);

        await store.ApplyAsync(Batch(3, a.Range(1, 3)), Ct);

        Assert.Equal(5, await VersionAsync(store.AccountsAlias, "acc-1"));
        var view = await store.GetAccountAsync(a.Account, Ct);
        Assert.Equal((5L, 255L), (view?.LastSequence, view?.BalanceCents));
        Assert.Equal(5, await store.LoadCheckpointAsync(Projection, Ct));
    }

    [Fact]
    public async Task A_stale_writer_cannot_overwrite_newer_state_because_external_versions_reject_it()
    {
        var store = await NewStoreAsync();
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        a.Withdraw(50);
        a.Deposit(5);

        // A writer that read the (empty) state and folded 1..3 ...
        var stale = await store.FoldAsync(a.Range(1, 3), Ct);
        Assert.Equal(3, stale.Accounts.Single().LastSequence);
        // ... is overtaken by one that applies 1..5 ...
        await store.ApplyAsync(Batch(5, a.Range(1, 5)), Ct);
        // ... and only then sends its writes: every one is a version conflict, which is "already newer", not an error.
        await store.WriteAsync(stale, [new ProjectionCheckpoint(Projection, 3)], Ct);

        Assert.Equal(5, await VersionAsync(store.AccountsAlias, "acc-1"));
        var view = await store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(5, view.LastSequence);
        Assert.Equal(255, view.BalanceCents);
        Assert.Equal(a[5].Event.OccurredAt, view.LastUpdatedAt);
        Assert.Equal(5, await store.LoadCheckpointAsync(Projection, Ct));
        var history = await store.GetTransactionsAsync(a.Account, 100, null, Ct);
        Assert.Equal([5L, 4, 3, 2, 1], history.Items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task An_item_error_other_than_a_version_conflict_fails_the_batch_and_keeps_failing()
    {
        // A mapping that cannot take the documents: 'reference' as long. The store finds the alias and keeps it.
        await PutJsonAsync($"/{_prefix}-transactions-v1", $$"""
            {
              "aliases": { "{{_prefix}}-transactions": { "is_write_index": true } },
              "mappings": { "dynamic": "strict", "properties": {
                "account_id": { "type": "keyword" }, "sequence": { "type": "long" }, "event_type": { "type": "keyword" },
                "amount_cents": { "type": "long" }, "currency": { "type": "keyword" }, "reference": { "type": "long" },
                "balance_after_cents": { "type": "long" }, "command_id": { "type": "keyword" },
                "occurred_at": { "type": "date" }, "client_created_at": { "type": "date" } } }
            }
            """);
        var store = await NewStoreAsync();
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(500, "salary");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.ApplyAsync(Batch(2, a.Events), Ct));
        Assert.Contains("rejected", error.Message);
        Assert.Contains("acc-1:0000000000000000002", error.Message);

        // Not silently dropped: no view refers to the failed history, the checkpoint did not move, a retry fails again.
        Assert.Null(await store.GetAccountAsync(a.Account, Ct));
        Assert.Equal(0, await store.LoadCheckpointAsync(Projection, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ApplyAsync(Batch(2, a.Events), Ct));
    }

    [Fact]
    public async Task A_stopped_server_makes_every_call_fail_fast_as_unavailable()
    {
        var own = await ElasticsearchTestServer.StartAsync();
        var options = TestStores.Options(own.Url, _prefix);
        var store = new ElasticsearchReadStore(options);
        _owned.Add(store);
        await store.InitializeAsync(Ct);
        var a = new AccountStream("acc-1");
        a.Open();
        await store.ApplyAsync(Batch(1, a.Events), Ct);

        await own.DisposeAsync();

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.GetAccountAsync(a.Account, Ct));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Contains("Elasticsearch", error.Message);
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.GetTransactionsAsync(a.Account, 10, null, Ct));
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.LoadCheckpointAsync(Projection, Ct));
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.LoadLastSequencesAsync([a.Account], Ct));
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.ApplyAsync(Batch(2, [a.Deposit(1)]), Ct));
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.InitializeAsync(Ct));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_hung_cluster_is_unavailable_after_the_request_timeout_not_never()
    {
        var proxy = await ProxyAsync();
        var store = await NewStoreAsync(proxy.Url);
        proxy.Mode = ProxyMode.Hang;

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.GetAccountAsync(AccountId.Parse("acc-1"), Ct));
        // Not before the 2 s request timeout, and not never: the upper bound leaves a loaded CI machine room.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        var proxy = await ProxyAsync();
        var store = await NewStoreAsync(proxy.Url);
        proxy.Mode = ProxyMode.Hang;
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAccountAsync(AccountId.Parse("acc-1"), caller.Token));
    }

    [Fact]
    public async Task After_an_outage_the_retried_batch_applies_exactly_once()
    {
        var proxy = await ProxyAsync();
        var store = await NewStoreAsync(proxy.Url);
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        await store.ApplyAsync(Batch(3, a.Events), Ct);
        a.Withdraw(50);
        a.Deposit(7);
        a.Lock("audit");
        var tail = a.Range(4, 6);

        proxy.Mode = ProxyMode.Down;
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.ApplyAsync(Batch(6, tail), Ct));
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.GetAccountAsync(a.Account, Ct));

        proxy.Mode = ProxyMode.Pass;
        await store.ApplyAsync(Batch(6, tail), Ct);

        await AssertAppliedOnceAsync(store, a, checkpoint: 6);
    }

    [Fact]
    public async Task A_failure_between_the_history_and_the_view_write_is_repaired_by_the_retry_without_duplicates()
    {
        var proxy = await ProxyAsync();
        var store = await NewStoreAsync(proxy.Url);
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        await store.ApplyAsync(Batch(3, a.Events), Ct);
        a.Withdraw(50);
        a.Deposit(7);
        a.Lock("audit");
        var tail = a.Range(4, 6);

        proxy.FailWhen = r => r.Path.Value!.EndsWith($"{_prefix}-accounts/_bulk", StringComparison.Ordinal);
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.ApplyAsync(Batch(6, tail), Ct));

        // The history went in, the view and the checkpoint did not: the checkpoint lags, it never leads.
        Assert.Equal(3, (await store.GetAccountAsync(a.Account, Ct))?.LastSequence);
        Assert.Equal(3, await store.LoadCheckpointAsync(Projection, Ct));

        proxy.FailWhen = null;
        await store.ApplyAsync(Batch(6, tail), Ct);

        await AssertAppliedOnceAsync(store, a, checkpoint: 6);
    }

    [Fact]
    public async Task A_failure_at_the_checkpoint_write_replays_the_batch_as_a_no_op()
    {
        var proxy = await ProxyAsync();
        var store = await NewStoreAsync(proxy.Url);
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        await store.ApplyAsync(Batch(3, a.Events), Ct);
        a.Withdraw(50);
        a.Deposit(7);
        a.Lock("audit");
        var tail = a.Range(4, 6);

        proxy.FailWhen = r => r.Method != "GET" && r.Path.Value!.Contains($"{_prefix}-checkpoints/_bulk", StringComparison.Ordinal);
        await Assert.ThrowsAsync<ReadStoreUnavailableException>(() => store.ApplyAsync(Batch(6, tail), Ct));
        Assert.Equal(6, (await store.GetAccountAsync(a.Account, Ct))?.LastSequence);
        Assert.Equal(3, await store.LoadCheckpointAsync(Projection, Ct));

        proxy.FailWhen = null;
        await store.ApplyAsync(Batch(6, tail), Ct);

        await AssertAppliedOnceAsync(store, a, checkpoint: 6);
    }

    [Fact]
    public void Options_parse_comma_separated_urls_and_the_store_rejects_unusable_prefixes()
    {
        Assert.Equal(
            [new Uri("http://es1:9200"), new Uri("https://es2:9200")],
            ElasticsearchReadStoreOptions.ParseUrls(" http://es1:9200 ,https://es2:9200,"));
        Assert.Throws<ArgumentException>(() => ElasticsearchReadStoreOptions.ParseUrls(""));
        Assert.Throws<ArgumentException>(() => ElasticsearchReadStoreOptions.ParseUrls("es1:9200"));
        Assert.Equal("bankledger", new ElasticsearchReadStoreOptions { Urls = [server.Url] }.IndexPrefix);
        Assert.Equal(TimeSpan.FromSeconds(2), new ElasticsearchReadStoreOptions { Urls = [server.Url] }.RequestTimeout);

        foreach (var prefix in new[] { "", "Upper", "-dash", "_under", "with space", "a*b", "a,b" })
        {
            Assert.Throws<ArgumentException>(() => new ElasticsearchReadStore(TestStores.Options(server.Url, prefix)));
        }

        using var store = new ElasticsearchReadStore(TestStores.Options(server.Url, "bank.ledger_1-x"));
        Assert.Equal("bank.ledger_1-x-accounts", store.AccountsAlias);
        Assert.Equal(["bank.ledger_1-x-accounts-v1", "bank.ledger_1-x-transactions-v1", "bank.ledger_1-x-checkpoints-v1"], store.ConcreteIndices);
    }

    private static ReadModelBatch Batch(long checkpoint, IEnumerable<SequencedEvent> events) => new(Projection, checkpoint, events.ToList());

    private async Task AssertAppliedOnceAsync(ElasticsearchReadStore store, AccountStream a, long checkpoint)
    {
        var view = await store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(a.Sequence, view.LastSequence);
        Assert.Equal(a.BalanceCents, view.BalanceCents);
        Assert.Equal(checkpoint, await store.LoadCheckpointAsync(Projection, Ct));
        var history = (await store.GetTransactionsAsync(a.Account, 100, null, Ct)).Items;
        Assert.Equal(Enumerable.Range(1, (int)a.Sequence).Reverse().Select(i => (long)i), history.Select(h => h.Sequence));
        Assert.Equal(
            a.Events.Reverse().Select(e => e.Event.EventType),
            history.Select(h => h.EventType));
        Assert.Equal(a.Sequence, await VersionAsync(store.AccountsAlias, a.Account.Value));
    }

    private ElasticsearchReadStore NewStore(Uri? url = null)
    {
        var store = new ElasticsearchReadStore(TestStores.Options(url ?? server.Url, _prefix));
        _owned.Add(store);
        return store;
    }

    private async Task<ElasticsearchReadStore> NewStoreAsync(Uri? url = null)
    {
        var store = NewStore(url);
        await store.InitializeAsync(Ct);
        return store;
    }

    private async Task<FaultProxy> ProxyAsync()
    {
        var proxy = await FaultProxy.StartAsync(server.Url);
        _owned.Add(proxy);
        return proxy;
    }

    private async Task<long> VersionAsync(string index, string id) =>
        (await GetJsonAsync($"/{index}/_doc/{Uri.EscapeDataString(id)}")).GetProperty("_version").GetInt64();

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} -> {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task PutJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(path, content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} -> {(int)response.StatusCode}: {body}");
    }
}
