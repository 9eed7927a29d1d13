using BankLedger.Domain;
using BankLedger.ReadStore.Sqlite;

namespace BankLedger.Projections.Tests;

/// <summary>
/// The batch processor's memory of last applied sequences (<see cref="LastAppliedCache"/>) over a real SQLite store
/// and an in-memory journal: it saves store lookups, and a stale memory only ever costs a repair, never an event.
/// </summary>
public sealed class ProjectionBatchProcessorTests : IAsyncLifetime
{
    private const string Tag = "accounts-p0";

    private readonly TestDirectory _directory = new("batch-processor");
    private readonly AccountStream _alice = new("acc-alice");
    private readonly AccountStream _bob = new("acc-bob");
    private readonly SqliteReadStore _sqlite;
    private readonly CountingStore _store;
    private long _offset;

    public ProjectionBatchProcessorTests()
    {
        _sqlite = new SqliteReadStore(_directory.File("readmodel.db"));
        _store = new CountingStore(_sqlite);
    }

    public Task InitializeAsync() => _sqlite.InitializeAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_store_is_asked_only_about_accounts_not_seen_before()
    {
        _alice.Open();
        _alice.Deposit(100);
        _bob.Open();
        var processor = Processor(new ProjectionStats());

        await processor.ProcessAsync(Tagged(_alice[1], _bob[1]), CancellationToken.None);
        await processor.ProcessAsync(Tagged(_alice[2]), CancellationToken.None);

        Assert.Equal([["acc-alice", "acc-bob"]], _store.Lookups);
        Assert.Equal(2, (await _sqlite.GetAccountAsync(_alice.Account, CancellationToken.None))?.LastSequence);
    }

    [Fact]
    public async Task A_memory_behind_the_store_costs_a_repair_and_never_applies_an_event_twice()
    {
        _alice.Open();
        for (var i = 1; i <= 6; i++) _alice.Deposit(i * 100);
        var stats = new ProjectionStats();
        var processor = Processor(stats);
        await processor.ProcessAsync(Tagged(_alice[1], _alice[2], _alice[3]), CancellationToken.None);

        // Another writer of the same partition (an old instance during a failover) applies 4..6 meanwhile.
        await Processor(new ProjectionStats()).ProcessAsync(Tagged(_alice[4], _alice[5], _alice[6]), CancellationToken.None);

        // Our memory says 3, so 7 looks like a gap: 4..6 are read from the journal; the store holds them already.
        await processor.ProcessAsync(Tagged(_alice[7]), CancellationToken.None);

        Assert.Equal(3, stats.Repaired);
        var view = await _sqlite.GetAccountAsync(_alice.Account, CancellationToken.None);
        Assert.Equal(7, view!.LastSequence);
        Assert.Equal(_alice.BalanceCents, view.BalanceCents);
        var history = await _sqlite.GetTransactionsAsync(_alice.Account, 100, null, CancellationToken.None);
        Assert.Equal([7L, 6, 5, 4, 3, 2, 1], history.Items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task Events_another_writer_applied_meanwhile_are_skipped_by_the_store()
    {
        _alice.Open();
        _alice.Deposit(100);
        _alice.Deposit(200);
        var processor = Processor(new ProjectionStats());
        await processor.ProcessAsync(Tagged(_alice[1]), CancellationToken.None);
        await Processor(new ProjectionStats()).ProcessAsync(Tagged(_alice[2], _alice[3]), CancellationToken.None);

        // Our memory says 1: 2 and 3 look new and reach the store, which already holds them.
        await processor.ProcessAsync(Tagged(_alice[2], _alice[3]), CancellationToken.None);

        var view = await _sqlite.GetAccountAsync(_alice.Account, CancellationToken.None);
        Assert.Equal((3L, 300L), (view!.LastSequence, view.BalanceCents));
        var history = await _sqlite.GetTransactionsAsync(_alice.Account, 100, null, CancellationToken.None);
        Assert.Equal([3L, 2, 1], history.Items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task A_failed_write_is_not_remembered_so_its_retry_applies_the_events()
    {
        _alice.Open();
        _alice.Deposit(100);
        var processor = Processor(new ProjectionStats());
        _store.FailNextApply = true;

        await Assert.ThrowsAsync<IOException>(() => processor.ProcessAsync(Tagged(_alice[1], _alice[2]), CancellationToken.None));
        await processor.ProcessAsync(Tagged(_alice[1], _alice[2]), CancellationToken.None);

        Assert.Equal(2, (await _sqlite.GetAccountAsync(_alice.Account, CancellationToken.None))?.LastSequence);
    }

    [Fact]
    public async Task A_store_that_lost_confirmed_writes_refuses_the_next_event_and_a_restart_repairs_it()
    {
        _alice.Open();
        _alice.Deposit(100);
        _alice.Deposit(200);
        var processor = Processor(new ProjectionStats());
        await processor.ProcessAsync(Tagged(_alice[1], _alice[2]), CancellationToken.None);

        // The read model is wiped under the running projection: the memory (2) is now ahead of the store (nothing).
        await using var wiped = new SqliteReadStore(_directory.File("wiped.db"));
        await wiped.InitializeAsync(CancellationToken.None);
        _store.Inner = wiped;

        // The store's own gap check refuses 3 rather than let the memory skip 1 and 2 ...
        await Assert.ThrowsAsync<ReadModelGapException>(() => processor.ProcessAsync(Tagged(_alice[3]), CancellationToken.None));
        // ... and the restarted stream forgets the memory, so 1 and 2 are repaired from the journal.
        processor.ForgetLastApplied();
        await processor.ProcessAsync(Tagged(_alice[3]), CancellationToken.None);

        var view = await wiped.GetAccountAsync(_alice.Account, CancellationToken.None);
        Assert.Equal((3L, 300L), (view!.LastSequence, view.BalanceCents));
    }

    [Fact]
    public async Task Accounts_forgotten_by_the_bounded_memory_are_looked_up_again()
    {
        var streams = Enumerable.Range(0, 5).Select(i => new AccountStream($"acc-{i}")).ToList();
        foreach (var s in streams)
        {
            s.Open();
            s.Deposit(1);
        }

        var processor = Processor(new ProjectionStats(), new LastAppliedCache(capacity: 4));
        await processor.ProcessAsync(Tagged(streams.Select(s => s[1]).ToArray()), CancellationToken.None);
        await processor.ProcessAsync(Tagged(streams.Select(s => s[2]).ToArray()), CancellationToken.None);

        Assert.Equal(2, _store.Lookups.Count);
        Assert.NotEmpty(_store.Lookups[1]);
        var last = await _sqlite.LoadLastSequencesAsync(streams.Select(s => s.Account).ToList(), CancellationToken.None);
        Assert.All(streams, s => Assert.Equal(2, last[s.Account]));
    }

    private ProjectionBatchProcessor Processor(ProjectionStats stats, LastAppliedCache? lastApplied = null) =>
        new([Tag], _store, new InMemoryJournal(_alice, _bob), new ReadModelChanges(), stats, TimeProvider.System, lastApplied);

    private List<TaggedEvent> Tagged(params SequencedEvent[] events) =>
        events.Select(e => new TaggedEvent(++_offset, e.Sequence, e.Event)).ToList();

    /// <summary>The journal's by-persistence-id read, served from the account streams the test built.</summary>
    private sealed class InMemoryJournal(params AccountStream[] streams) : IJournalRangeReader
    {
        public Task<IReadOnlyList<SequencedEvent>> ReadAsync(AccountId account, long fromSequence, long toSequence, CancellationToken cancellationToken) =>
            Task.FromResult(streams.Single(s => s.Account == account).Range(fromSequence, toSequence));
    }

    /// <summary>The real store behind a seam that records last-sequence lookups and can fail one write.</summary>
    private sealed class CountingStore(IReadStore inner) : IReadStore
    {
        public IReadStore Inner { get; set; } = inner;
        public List<string[]> Lookups { get; } = [];
        public bool FailNextApply { get; set; }

        public Task<IReadOnlyDictionary<AccountId, long>> LoadLastSequencesAsync(IReadOnlyCollection<AccountId> accounts, CancellationToken cancellationToken)
        {
            Lookups.Add(accounts.Select(a => a.Value).Order().ToArray());
            return Inner.LoadLastSequencesAsync(accounts, cancellationToken);
        }

        public Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken)
        {
            if (!FailNextApply) return Inner.ApplyAsync(batch, cancellationToken);
            FailNextApply = false;
            throw new IOException("injected read store failure");
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => Inner.InitializeAsync(cancellationToken);
        public Task<long> LoadCheckpointAsync(string projectionId, CancellationToken cancellationToken) => Inner.LoadCheckpointAsync(projectionId, cancellationToken);
        public Task<AccountView?> GetAccountAsync(AccountId account, CancellationToken cancellationToken) => Inner.GetAccountAsync(account, cancellationToken);
        public Task<TransactionPage> GetTransactionsAsync(AccountId account, int limit, long? beforeSequence, CancellationToken cancellationToken) =>
            Inner.GetTransactionsAsync(account, limit, beforeSequence, cancellationToken);
    }
}
