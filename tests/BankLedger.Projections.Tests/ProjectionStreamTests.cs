using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankLedger.Domain;
using BankLedger.Ledger;
using BankLedger.Projections;
using BankLedger.ReadStore.Sqlite;
using BankLedger.TestSupport;
using Microsoft.Data.Sqlite;

namespace BankLedger.Projections.Tests;

/// <summary>
/// The projection stream fed by crafted journal streams (duplicates, gaps, restarts) over a REAL journal
/// (SQLite file written by real account actors, read back by the real query plugin for gap repair)
/// and a real SQLite read store.
/// </summary>
public sealed class ProjectionStreamTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly AccountId Alice = AccountId.Parse("acc-alice");
    private static readonly AccountId Bob = AccountId.Parse("acc-bob");
    private const string Tag = "accounts-p0";

    private readonly TempDirectory _directory;
    private readonly SqliteReadStore _store;
    private readonly ReadModelChanges _changes = new();
    private readonly ProjectionStats _stats = new();
    private readonly SqlReadJournal _journal;

    public ProjectionStreamTests() : this(new TempDirectory("projection-stream")) { }

    private ProjectionStreamTests(TempDirectory directory) : base(JournalConfig(directory), "projection-stream")
    {
        _directory = directory;
        _store = new SqliteReadStore(directory.Combine("readmodel.db"));
        _journal = PersistenceQuery.Get(Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
    }

    public async Task InitializeAsync() => await _store.InitializeAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Duplicates_in_the_tag_stream_are_skipped()
    {
        var events = await WriteHistoryAsync(Alice, deposits: 3); // sequences 1..4
        var crafted = new[] { events[0], events[1], events[1], events[0], events[2], events[3], events[2] };

        await ProjectAsync(crafted);

        var view = await _store.GetAccountAsync(Alice, CancellationToken.None);
        Assert.Equal(4, view!.LastSequence);
        Assert.Equal(600, view.BalanceCents);
        var history = await _store.GetTransactionsAsync(Alice, 100, null, CancellationToken.None);
        Assert.Equal([4L, 3, 2, 1], history.Items.Select(i => i.Sequence));
        Assert.Equal(3, _stats.DuplicatesSkipped);
    }

    [Fact]
    public async Task Journal_events_that_are_not_an_accounts_are_skipped_and_the_rest_is_projected()
    {
        var events = await WriteHistoryAsync(Alice, deposits: 3); // sequences 1..4
        // What the node's recovery warm-up writes under its own persistence id: a plain string, no tags.
        // It shares the next event's offset, so a stream that failed on it and restarted would meet it again.
        var marker = new EventEnvelope(events[1].Offset, "bankledger-recovery-warm-up", 1, "recovery warm-up marker", 0, []);
        var crafted = new[] { events[0], marker, events[1], events[2], events[3] };

        await ProjectAsync(crafted);

        var view = await _store.GetAccountAsync(Alice, CancellationToken.None);
        Assert.Equal(4, view!.LastSequence);
        Assert.Equal(600, view.BalanceCents);
        Assert.Equal(4, _stats.Applied);
    }

    [Fact]
    public async Task A_gap_in_the_tag_stream_is_repaired_from_the_journal_by_persistence_id()
    {
        var alice = await WriteHistoryAsync(Alice, deposits: 5); // 1..6
        var bob = await WriteHistoryAsync(Bob, deposits: 2); // 1..3
        // The journal query "skipped" Alice's 3 and 4 and Bob's 2 (as it does after a gap times out).
        var crafted = new[] { alice[0], alice[1], bob[0], alice[4], bob[2], alice[5] };

        await ProjectAsync(crafted);

        var aliceView = await _store.GetAccountAsync(Alice, CancellationToken.None);
        Assert.Equal(6, aliceView!.LastSequence);
        Assert.Equal(100 + 200 + 300 + 400 + 500, aliceView.BalanceCents);
        var aliceHistory = await _store.GetTransactionsAsync(Alice, 100, null, CancellationToken.None);
        Assert.Equal([6L, 5, 4, 3, 2, 1], aliceHistory.Items.Select(i => i.Sequence));
        var bobView = await _store.GetAccountAsync(Bob, CancellationToken.None);
        Assert.Equal(3, bobView!.LastSequence);
        Assert.Equal(300, bobView.BalanceCents);
        Assert.Equal(3, _stats.Repaired);
    }

    [Fact]
    public async Task A_gap_at_the_start_of_an_account_is_repaired_too()
    {
        var alice = await WriteHistoryAsync(Alice, deposits: 2); // 1..3, only 3 arrives
        await ProjectAsync([alice[2]]);
        var view = await _store.GetAccountAsync(Alice, CancellationToken.None);
        Assert.Equal(3, view!.LastSequence);
        Assert.Equal(Currency.Parse("USD"), view.Currency);
    }

    [Fact]
    public async Task The_projection_resumes_from_its_stored_checkpoint_after_a_restart()
    {
        var alice = await WriteHistoryAsync(Alice, deposits: 3); // 1..4
        await ProjectAsync(alice.Take(2).ToArray());
        Assert.Equal(OffsetOf(alice[1]), await _store.LoadCheckpointAsync(Tag, CancellationToken.None));

        // A second run reads from the stored checkpoint: the source is asked for offsets after it.
        var requested = new List<long>();
        await ProjectAsync(alice, requested);

        Assert.Equal([OffsetOf(alice[1])], requested);
        var view = await _store.GetAccountAsync(Alice, CancellationToken.None);
        Assert.Equal(4, view!.LastSequence);
        Assert.Equal(OffsetOf(alice[3]), await _store.LoadCheckpointAsync(Tag, CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_store_write_restarts_the_stream_from_the_checkpoint_and_loses_nothing()
    {
        var alice = await WriteHistoryAsync(Alice, deposits: 4); // 1..5
        var flaky = new FailingOnceStore(_store, failOnCall: 2);
        var processor = new ProjectionBatchProcessor([Tag], flaky, new AkkaJournalRangeReader(_journal, Sys.Materializer()), _changes, _stats, TimeProvider.System);
        var settings = new ProjectionSettings { MaxBatchSize = 1, MinBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };
        var starts = 0;
        var killSwitch = JournalProjection
            .Create(after =>
            {
                Interlocked.Increment(ref starts);
                return Source.From(alice.Where(e => OffsetOf(e) > after)).Concat(Source.Never<EventEnvelope>());
            }, _ => Tag, flaky, processor, settings)
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(Sys.Materializer());
        try
        {
            await Eventually.Until(async () => (await _store.GetAccountAsync(Alice, CancellationToken.None))?.LastSequence == 5,
                TimeSpan.FromSeconds(10), "the projection catches up after the failed write");
        }
        finally
        {
            killSwitch.Shutdown();
        }
        Assert.True(starts >= 2, "the stream restarted after the failure");
        var history = await _store.GetTransactionsAsync(Alice, 100, null, CancellationToken.None);
        Assert.Equal([5L, 4, 3, 2, 1], history.Items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task Partitions_resume_from_their_own_checkpoints_and_events_of_other_partitions_are_left_alone()
    {
        var alice = await WriteHistoryAsync(Alice, deposits: 2); // offsets before Bob's
        var bob = await WriteHistoryAsync(Bob, deposits: 2);
        var all = alice.Concat(bob).ToArray();
        string PartitionOf(AccountId account) => account == Alice ? "part-a" : "part-b";

        // A node owning only part-a projects Alice and leaves Bob to whoever owns part-b.
        await ProjectAsync(all, owned: ["part-a"], partitionOf: PartitionOf);
        Assert.Null(await _store.GetAccountAsync(Bob, CancellationToken.None));
        Assert.Equal(OffsetOf(alice[^1]), await _store.LoadCheckpointAsync("part-a", CancellationToken.None));
        Assert.Equal(0, await _store.LoadCheckpointAsync("part-b", CancellationToken.None));

        // Owning both, the stream restarts from the older checkpoint; part-a's events are not processed again.
        var requested = new List<long>();
        var appliedBefore = _stats.Applied;
        await ProjectAsync(all, requested, ["part-a", "part-b"], PartitionOf);

        Assert.Equal([0L], requested);
        Assert.Equal(bob.Count, _stats.Applied - appliedBefore);
        Assert.Equal(0, _stats.DuplicatesSkipped);
        Assert.Equal(300, (await _store.GetAccountAsync(Bob, CancellationToken.None))!.BalanceCents);
        Assert.Equal(OffsetOf(bob[^1]), await _store.LoadCheckpointAsync("part-b", CancellationToken.None));
    }

    [Fact]
    public async Task Events_arriving_while_a_synchronous_store_writes_form_the_next_batch()
    {
        var alice = await WriteHistoryAsync(Alice, deposits: 30); // 31 events
        var pulled = 0;
        using var allPulled = new ManualResetEventSlim();
        var store = new SynchronouslyBlockingFirstWrite(_store, allPulled);
        var processor = new ProjectionBatchProcessor([Tag], store, new AkkaJournalRangeReader(_journal, Sys.Materializer()), _changes, _stats, TimeProvider.System);
        var killSwitch = JournalProjection
            .Create(after => Source.From(alice.Where(e => OffsetOf(e) > after))
                .Select(e =>
                {
                    if (Interlocked.Increment(ref pulled) == alice.Count) allPulled.Set();
                    return e;
                })
                .Concat(Source.Never<EventEnvelope>()), _ => Tag, store, processor, new ProjectionSettings())
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(Sys.Materializer());
        try
        {
            await Eventually.Until(async () => await _store.LoadCheckpointAsync(Tag, CancellationToken.None) >= OffsetOf(alice[^1]),
                TimeSpan.FromSeconds(20), "the projection checkpoints the last event");
        }
        finally
        {
            killSwitch.Shutdown();
        }

        // The first write blocked its thread until the source had delivered everything: had it run on the
        // stream's own thread, nothing could have arrived meanwhile and every event would be a batch of its own.
        Assert.Equal(2, _stats.Batches);
        Assert.Equal(alice.Count, _stats.Applied);
    }

    /// <summary>Runs the projection over exactly these envelopes (then idles) until their last offset is checkpointed.</summary>
    private async Task ProjectAsync(
        IReadOnlyList<EventEnvelope> envelopes, List<long>? requestedOffsets = null,
        IReadOnlyList<string>? owned = null, Func<AccountId, string>? partitionOf = null)
    {
        owned ??= [Tag];
        partitionOf ??= _ => Tag;
        var processor = new ProjectionBatchProcessor(owned, _store, new AkkaJournalRangeReader(_journal, Sys.Materializer()), _changes, _stats, TimeProvider.System);
        var killSwitch = JournalProjection
            .Create(after =>
            {
                requestedOffsets?.Add(after);
                return Source.From(envelopes.Where(e => OffsetOf(e) > after)).Concat(Source.Never<EventEnvelope>());
            }, partitionOf, _store, processor, new ProjectionSettings())
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(Sys.Materializer());
        try
        {
            var last = envelopes.Where(e => e.Event is AccountEvent @event && owned.Contains(partitionOf(@event.AccountId))).Max(OffsetOf);
            await Eventually.Until(async () => await _store.LoadCheckpointAsync(owned[0], CancellationToken.None) >= last,
                TimeSpan.FromSeconds(10), "the projection checkpoints the crafted stream's last offset");
        }
        finally
        {
            killSwitch.Shutdown();
        }
    }

    private static long OffsetOf(EventEnvelope envelope) => ((Sequence)envelope.Offset).Value;

    /// <summary>Writes open + deposits (100, 200, ...) through a real account actor; returns the journal's envelopes.</summary>
    private async Task<IReadOnlyList<EventEnvelope>> WriteHistoryAsync(AccountId account, int deposits)
    {
        var actor = Sys.ActorOf(AccountActor.Props(account, 100, TimeProvider.System));
        var timeout = TimeSpan.FromSeconds(20);
        Assert.IsType<CommandAccepted>(await actor.Ask<CommandReply>(new OpenAccount
        {
            AccountId = account, CommandId = CommandId.Parse("open"), CreatedAt = DateTimeOffset.UnixEpoch, Currency = Currency.Parse("USD"),
        }, timeout));
        for (var i = 1; i <= deposits; i++)
        {
            Assert.IsType<CommandAccepted>(await actor.Ask<CommandReply>(new DepositFunds
            {
                AccountId = account, CommandId = CommandId.Parse($"dep-{i}"), CreatedAt = DateTimeOffset.UnixEpoch,
                AmountCents = i * 100, Currency = Currency.Parse("USD"),
            }, timeout));
        }
        return await _journal.CurrentEventsByPersistenceId(AccountActor.PersistenceIdOf(account), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
    }

    private static Config JournalConfig(TempDirectory directory)
    {
        var path = directory.Combine("journal.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        return ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.serializers.bankledger = "BankLedger.Ledger.Serialization.LedgerSerializer, BankLedger.Ledger"
            akka.actor.serialization-bindings {
              "BankLedger.Domain.AccountEvent, BankLedger.Domain" = bankledger
              "BankLedger.Domain.AccountState, BankLedger.Domain" = bankledger
            }
            akka.persistence.journal.plugin = "akka.persistence.journal.sql"
            akka.persistence.journal.sql {
              connection-string = "Data Source={{path}}"
              provider-name = "SQLite.MS"
              parallelism = 1
              event-adapters { partition-tags = "BankLedger.Ledger.Tagging.PartitionTaggingAdapter, BankLedger.Ledger" }
              event-adapter-bindings { "BankLedger.Domain.AccountEvent, BankLedger.Domain" = partition-tags }
            }
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
            akka.persistence.snapshot-store.sql {
              connection-string = "Data Source={{path}}"
              provider-name = "SQLite.MS"
            }
            akka.persistence.query.journal.sql {
              connection-string = "Data Source={{path}}"
              provider-name = "SQLite.MS"
              write-plugin = "akka.persistence.journal.sql"
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The real store behind a seam: subclasses change how writes behave, reads pass through.</summary>
    private abstract class DelegatingStore(IReadStore inner) : IReadStore
    {
        protected IReadStore Inner => inner;

        public abstract Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);
        public Task<long> LoadCheckpointAsync(string projectionId, CancellationToken cancellationToken) => inner.LoadCheckpointAsync(projectionId, cancellationToken);
        public Task<IReadOnlyDictionary<AccountId, long>> LoadLastSequencesAsync(IReadOnlyCollection<AccountId> accounts, CancellationToken cancellationToken) =>
            inner.LoadLastSequencesAsync(accounts, cancellationToken);
        public Task<AccountView?> GetAccountAsync(AccountId account, CancellationToken cancellationToken) => inner.GetAccountAsync(account, cancellationToken);
        public Task<TransactionPage> GetTransactionsAsync(AccountId account, int limit, long? beforeSequence, CancellationToken cancellationToken) =>
            inner.GetTransactionsAsync(account, limit, beforeSequence, cancellationToken);
    }

    /// <summary>The real store, except that its first write blocks the calling thread until <paramref name="release"/> is set (as a synchronous driver does).</summary>
    private sealed class SynchronouslyBlockingFirstWrite(IReadStore inner, ManualResetEventSlim release) : DelegatingStore(inner)
    {
        private int _calls;

        public override Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1) release.Wait(TimeSpan.FromSeconds(10), cancellationToken);
            return Inner.ApplyAsync(batch, cancellationToken);
        }
    }

    /// <summary>Fault injection around the real store: the Nth ApplyAsync throws once (as a lost connection would).</summary>
    private sealed class FailingOnceStore(IReadStore inner, int failOnCall) : DelegatingStore(inner)
    {
        private int _calls;

        public override Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == failOnCall
                ? throw new IOException("injected read store failure")
                : Inner.ApplyAsync(batch, cancellationToken);
    }
}
