using System.Diagnostics;
using BankLedger.Bench.Infrastructure;
using BankLedger.Bench.Seeding;
using BankLedger.Domain;
using BankLedger.Ledger;
using BankLedger.Ledger.Sharding;

namespace BankLedger.Bench.Scenarios;

/// <summary>
/// <c>recovery</c> and <c>rebuild</c>: both need a journal that already holds many events, seeded directly
/// into the database (rows in the plugin's exact format, built by the node's own domain and serializer).
/// <list type="number">
/// <item>Node A (write side only) starts on an empty database and writes one event: the plugin creates its tables.</item>
/// <item>The harness seeds the journal: <c>rebuild</c> accounts × 100 events, interleaved; and one account with
/// 99,899 events for <c>recovery</c>.</item>
/// <item>recovery without snapshot: on node A, the first command to that account (it was never loaded; it replays
/// all 99,899 events); that command makes event 99,900, crossing a multiple of SnapshotEvery, so the actor saves a
/// snapshot; 99 more commands bring the account to 99,999 events. Node A is killed.</item>
/// <item>recovery with snapshot: node C (write side only) starts cold on the same journal; the first command to the
/// account — recovery from the snapshot at 99,900 plus 99 events, the worst case for SnapshotEvery = 100 — writes
/// event 100,000. Repeated with a new node C per cold start, each facing the same worst case one hundred events
/// later (see <see cref="RecoverFromSnapshotAsync"/>).</item>
/// <item>Node B (all roles) starts on the same journal with an empty read store (no checkpoint): <c>rebuild</c> is
/// the rate at which its projection applies everything from offset zero (measured over a capped window).</item>
/// </list>
/// Before each timed command a warm-up command goes to another account of the same shard, so the timing holds
/// the account's recovery and one write, not shard allocation or first-request JIT.
/// </summary>
internal static class SeededJournalScenario
{
    public const string RecoveryAccount = "acc-recovery";
    public const int RecoverySeededEvents = 99_899;
    private const int SnapshotEvery = 100; // the node's default (Ledger:SnapshotEvery)

    /// <summary>Runs the selected parts; returns node B still running when <paramref name="keepNode"/> (for the ledger scenarios).</summary>
    public static async Task<(LedgerNode? Node, string? Postgres)> RunAsync(BenchContext context, bool rebuild, bool recovery, bool keepNode)
    {
        var results = context.Results;
        var dataDirectory = context.Directory("seeded");
        var postgres = context.IsPostgres ? await context.Postgres!.CreateDatabaseAsync("seeded") : null;
        var sqliteJournal = postgres is null ? Path.Combine(dataDirectory, "journal.db") : null;
        var warmAccount = SameShardAccount(RecoveryAccount);

        context.Log("seeded journal: starting node A (gateway,ledger) to create the journal tables");
        var (nodeA, readyA) = await LedgerNode.StartAsync(context.Node, dataDirectory, postgres, roles: "gateway,ledger");
        results.Set("node_start_s", Math.Round(readyA, 2));
        try
        {
            await nodeA.OpenOneAsync("bench-init", $"init-{context.RunTag}", context.CreatedAt);

            var seedStart = Stopwatch.GetTimestamp();
            long seeded = 0;
            using (var events = new SeedEvents())
            {
                if (rebuild)
                {
                    var accounts = Enumerable.Range(0, context.Profile.RebuildAccounts).Select(i => $"rb-{i:D5}").ToArray();
                    seeded += JournalSeeder.Seed(sqliteJournal, postgres, events.Interleaved(accounts, context.Profile.RebuildEventsPerAccount));
                }
                if (recovery) seeded += JournalSeeder.Seed(sqliteJournal, postgres, events.SingleAccount(RecoveryAccount, RecoverySeededEvents));
            }
            var seedSeconds = Stopwatch.GetElapsedTime(seedStart).TotalSeconds;
            results.Set("seeded_events", seeded);
            results.Set("seed_events_per_s", Math.Round(seeded / seedSeconds));
            context.Log($"seeded journal: {seeded:N0} events in {seedSeconds:F1} s (direct inserts, not measured)");

            if (recovery)
            {
                await WarmUpAsync(nodeA, context, warmAccount, "a");
                var (ms, sequence, attempts) = await nodeA.TimedDepositAsync(RecoveryAccount, $"rec-{context.RunTag}-0", context.CreatedAt);
                Expect(sequence, RecoverySeededEvents + 1);
                results.Set("recovery_ms_100k_events_no_snapshot", Math.Round(ms, 2));
                results.Set("recovery_no_snapshot_events_replayed", RecoverySeededEvents);
                if (attempts > 1) results.Note($"recovery without snapshot outlasted the node's command timeout: {attempts - 1} × 503, retried with the same command id; the time runs from the first send to the 200");
                context.Log($"recovery: first command to an account of {RecoverySeededEvents:N0} events, no snapshot: {ms:F1} ms");
                // The other 99 at once: the actor decides them together and persists them as one write (group commit).
                await Task.WhenAll(Enumerable.Range(1, SnapshotEvery - 1)
                    .Select(i => nodeA.TimedDepositAsync(RecoveryAccount, $"rec-{context.RunTag}-{i}", context.CreatedAt)));
                await WaitForSnapshotAsync(sqliteJournal, postgres, RecoverySeededEvents + 1);
            }
        }
        finally
        {
            await nodeA.DisposeAsync();
        }

        if (recovery) await RecoverFromSnapshotAsync(context, dataDirectory, sqliteJournal, postgres, warmAccount);
        if (!rebuild) return (null, null);

        foreach (var file in new[] { "readmodel.db", "readmodel.db-wal", "readmodel.db-shm" }) File.Delete(Path.Combine(dataDirectory, file));
        var journalRows = JournalSeeder.CountJournalRows(sqliteJournal, postgres);
        context.Log($"rebuild: starting node B (all roles, empty read store) on {journalRows:N0} events");
        var nodeB = LedgerNode.Launch(context.Node, dataDirectory, postgres);
        var completed = false;
        try
        {
            completed = await RebuildAsync(context, nodeB, journalRows);
        }
        finally
        {
            if (!(completed && keepNode)) await nodeB.DisposeAsync();
        }
        if (!(completed && keepNode)) return (null, null);
        results.Set("ledger_journal_rows_before_write", JournalSeeder.CountJournalRows(sqliteJournal, postgres));
        return (nodeB, postgres);
    }

    /// <summary>
    /// <see cref="Profile.RecoveryColdStarts"/> times: node C starts cold on the journal and the account's first
    /// command is timed — recovery from a snapshot plus 99 events, then the write. That command crosses a multiple
    /// of SnapshotEvery (the actor snapshots there), and 99 more bring the account back to the same worst case for
    /// the next start. <c>recovery_ms_100k_events</c> is the median over the starts; every start is recorded.
    /// </summary>
    private static async Task RecoverFromSnapshotAsync(
        BenchContext context, string dataDirectory, string? sqliteJournal, string? postgres, string warmAccount)
    {
        var results = context.Results;
        var coldStarts = context.Profile.RecoveryColdStarts;
        var samples = new List<double>();
        for (var start = 0; start < coldStarts; start++)
        {
            context.Log($"recovery: starting node C (gateway,ledger) cold on the same journal ({start + 1} of {coldStarts})");
            var (nodeC, _) = await LedgerNode.StartAsync(context.Node, dataDirectory, postgres, roles: "gateway,ledger");
            await using (nodeC)
            {
                await WarmUpAsync(nodeC, context, warmAccount, $"c{start}");
                var (ms, sequence, attempts) = await nodeC.TimedDepositAsync(RecoveryAccount, $"rec-{context.RunTag}-cold-{start}", context.CreatedAt);
                if (attempts > 1) results.Note($"recovery with snapshot outlasted the node's command timeout in cold start {start + 1} ({attempts - 1} × 503, retried)");
                var snapshotAt = RecoverySeededEvents + 1 + start * SnapshotEvery;
                Expect(sequence, snapshotAt + SnapshotEvery);
                samples.Add(ms);
                context.Log($"recovery: first command to an account at {sequence - 1:N0} events, snapshot at {snapshotAt:N0}: {ms:F1} ms");
                if (start + 1 == coldStarts) break;
                await Task.WhenAll(Enumerable.Range(1, SnapshotEvery - 1)
                    .Select(i => nodeC.TimedDepositAsync(RecoveryAccount, $"rec-{context.RunTag}-cold-{start}-{i}", context.CreatedAt)));
                await WaitForSnapshotAsync(sqliteJournal, postgres, sequence);
            }
        }
        results.Set("recovery_ms_100k_events", Math.Round(Median(samples), 2));
        results.Set("recovery_ms_100k_events_max", Math.Round(samples.Max(), 2));
        results.Set("recovery_ms_cold_starts", samples.Select(ms => Math.Round(ms, 2)).ToArray());
        results.Set("recovery_account_events", RecoverySeededEvents + 1 + SnapshotEvery); // the first start's command (Expect checked it)
        results.Set("recovery_snapshot_at", RecoverySeededEvents + 1);
        results.Set("recovery_events_replayed_after_snapshot", SnapshotEvery - 1);
    }

    private static double Median(IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Measures the rebuild (see <see cref="ProjectionCatchUp"/>) and records the rebuild_* keys.</summary>
    private static async Task<bool> RebuildAsync(BenchContext context, LedgerNode node, long journalRows)
    {
        var window = context.Profile.RebuildWindow;
        var catchUp = await ProjectionCatchUp.MeasureAsync(node, journalRows, window);
        var results = context.Results;
        if (!catchUp.Completed)
        {
            results.Note($"rebuild did not finish within the {window.TotalSeconds:F0} s window: {catchUp.Applied:N0} of {journalRows:N0} events applied; " +
                         "rebuild_events_per_s is the rate over that window");
        }
        results.Set("rebuild_events_per_s", Math.Round(catchUp.EventsPerSecond));
        results.Set("rebuild_events", journalRows);
        results.Set("rebuild_completed", catchUp.Completed);
        results.Set("rebuild_events_applied", catchUp.Applied);
        results.Set("rebuild_measured_s", Math.Round(catchUp.MeasuredSeconds, 2));
        results.Set("rebuild_applied_before_first_poll", catchUp.AppliedBeforeFirstAnswer);
        results.Set("rebuild_node_first_answer_s", Math.Round(catchUp.FirstAnswerSeconds, 2));
        if (catchUp.Batches is { } batches) results.Set("rebuild_batches", batches);
        context.Log($"rebuild: {catchUp.Applied - catchUp.AppliedBeforeFirstAnswer:N0} events in {catchUp.MeasuredSeconds:F1} s = {catchUp.EventsPerSecond:N0} events/s from offset 0 " +
                    $"({(catchUp.Completed ? "complete" : $"incomplete: {catchUp.Applied:N0} of {journalRows:N0}")}; {catchUp.AppliedBeforeFirstAnswer:N0} applied before the first admin answer)");
        return catchUp.Completed;
    }

    /// <summary>A command to another account of the same shard: allocates the shard, warms the HTTP, actor and journal paths.</summary>
    private static async Task WarmUpAsync(LedgerNode node, BenchContext context, string warmAccount, string suffix)
    {
        try
        {
            await node.OpenOneAsync(warmAccount, $"warm-open-{context.RunTag}", context.CreatedAt);
        }
        catch (InvalidOperationException) when (suffix != "a")
        {
            // already opened on node A
        }
        for (var i = 0; i < 3; i++) await node.TimedDepositAsync(warmAccount, $"warm-{context.RunTag}-{suffix}-{i}", context.CreatedAt);
    }

    private static async Task WaitForSnapshotAsync(string? sqliteJournal, string? postgres, long sequence)
    {
        var persistenceId = AccountActor.PersistenceIdOf(AccountId.Parse(RecoveryAccount));
        var start = Stopwatch.GetTimestamp();
        while (JournalSeeder.LatestSnapshot(sqliteJournal, postgres, persistenceId) < sequence)
        {
            if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(60)) throw new TimeoutException($"no snapshot of {persistenceId} at {sequence}");
            await Task.Delay(100);
        }
    }

    private static void Expect(long actual, long expected)
    {
        if (actual != expected) throw new InvalidOperationException($"{RecoveryAccount} answered sequence {actual}, expected {expected}");
    }

    /// <summary>An account id the sharding extractor puts in the same shard as <paramref name="account"/>.</summary>
    private static string SameShardAccount(string account)
    {
        var extractor = new AccountMessageExtractor();
        string Shard(string id) => extractor.ShardId(id, null);
        var target = Shard(account);
        for (var i = 0; ; i++)
        {
            var candidate = $"warm-{i}";
            if (Shard(candidate) == target) return candidate;
        }
    }
}
