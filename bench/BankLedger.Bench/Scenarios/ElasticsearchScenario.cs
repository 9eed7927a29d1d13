using BankLedger.Bench.Infrastructure;
using BankLedger.Bench.Load;
using BankLedger.Bench.Seeding;
using BankLedger.Elasticsearch.TestServer;

namespace BankLedger.Bench.Scenarios;

/// <summary>
/// <c>es</c>: the Elasticsearch read model, against the project's in-process Elasticsearch-compatible test server
/// (no Elasticsearch can run on these machines; the test server is an in-memory stand-in, so these numbers say
/// what the adapter and the projection cost, not what a real cluster does). A node with every role starts on a
/// seeded journal with no read model and projects it all (bulk requests per batch): events/s. Then a query-only
/// node serves balance reads from the same indices: latency at a fixed rate.
/// </summary>
internal static class ElasticsearchScenario
{
    private const int ReadRate = 1_000;

    public static async Task RunAsync(BenchContext context)
    {
        var results = context.Results;
        var accounts = context.Profile.Quick ? 500 : context.Profile.Accounts;
        var eventsPerAccount = context.Profile.Quick ? 10 : 20;
        await using var server = await ElasticsearchTestServer.StartAsync();
        string[] elasticsearch =
        [
            "--Ledger:ReadStore:Provider=elasticsearch",
            $"--Ledger:ReadStore:Elasticsearch:Url={server.Url}",
            "--Ledger:ReadStore:Elasticsearch:IndexPrefix=bench",
        ];

        var dataDirectory = context.Directory("es");
        var postgres = context.IsPostgres ? await context.Postgres!.CreateDatabaseAsync("es") : null;
        var sqliteJournal = postgres is null ? Path.Combine(dataDirectory, "journal.db") : null;
        context.Log($"es: seeding {accounts * eventsPerAccount:N0} events over {accounts:N0} accounts (the node creates the tables first)");
        var (init, _) = await LedgerNode.StartAsync(context.Node, dataDirectory, postgres, roles: "gateway,ledger");
        await using (init) await init.OpenOneAsync("es-init", $"es-init-{context.RunTag}", context.CreatedAt);
        using (var events = new SeedEvents())
        {
            var ids = Enumerable.Range(0, accounts).Select(Requests.AccountId).ToArray();
            JournalSeeder.Seed(sqliteJournal, postgres, events.Interleaved(ids, eventsPerAccount));
        }
        var rows = JournalSeeder.CountJournalRows(sqliteJournal, postgres);

        context.Log($"es: node with every role projects {rows:N0} events into the test server");
        var projector = LedgerNode.Launch(context.Node, dataDirectory, postgres, extraArgs: elasticsearch);
        await using (projector)
        {
            var catchUp = await ProjectionCatchUp.MeasureAsync(projector, rows, context.Profile.RebuildWindow);
            results.Set("es_projection_events_per_s", Math.Round(catchUp.EventsPerSecond));
            results.Set("es_projection_events", rows);
            results.Set("es_projection_completed", catchUp.Completed);
            if (catchUp.Batches is { } batches) results.Set("es_projection_batches", batches);
            context.Log($"es: {catchUp.Applied - catchUp.AppliedBeforeFirstAnswer:N0} events in {catchUp.MeasuredSeconds:F1} s = {catchUp.EventsPerSecond:N0} events/s " +
                        $"({(catchUp.Completed ? "complete" : "incomplete")})");
        }

        context.Log($"es: query-only node reads balances at {ReadRate:N0}/s from the test server");
        var (query, _) = await LedgerNode.StartAsync(context.Node, context.Directory("es-query"), null, roles: "query", extraArgs: elasticsearch);
        await using (query)
        {
            using var client = Requests.CreateClient();
            var balances = new Requests.Balances(query.BaseAddress, accounts);
            var read = await OpenLoop.RunAsync(client, context.Fixed("es-query-node", "read", AccountMix.Uniform(accounts), ReadRate), balances.Create);
            results.Add(read);
            results.Set("es_query_node_read_p50_ms_at_1000", read.P50Ms);
            results.Set("es_query_node_read_p99_ms_at_1000", read.P99Ms);
        }
    }
}
