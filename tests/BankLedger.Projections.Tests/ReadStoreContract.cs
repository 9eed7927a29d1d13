using BankLedger.Domain;

namespace BankLedger.Projections.Tests;

/// <summary>
/// The behaviour every <see cref="IReadStore"/> adapter must show. An adapter's test class derives from this,
/// creates an empty store per test and says how to reopen a store over the same data; xunit then runs every
/// fact below against it.
/// </summary>
public abstract class ReadStoreContract : IAsyncLifetime
{
    protected const string Projection = "accounts-0";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private IReadStore? _store;

    /// <summary>The store under test (fresh and initialized for each test).</summary>
    protected IReadStore Store => _store ?? throw new InvalidOperationException("the store is not created yet");

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A new, empty store (not yet initialized) that no other test sees.</summary>
    protected abstract Task<IReadStore> CreateStoreAsync();

    /// <summary>Disposes <paramref name="store"/> and returns a new, not yet initialized store over the same data.</summary>
    protected abstract Task<IReadStore> ReopenStoreAsync(IReadStore store);

    /// <summary>Runs after the store is disposed: remove files, indices, ...</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        await DisposeStoreAsync(_store);
        _store = null;
        await CleanupAsync();
        _timeout.Dispose();
    }

    protected static async Task DisposeStoreAsync(IReadStore? store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    protected Task ApplyAsync(long checkpoint, params IEnumerable<SequencedEvent> events) =>
        Store.ApplyAsync(new ReadModelBatch(Projection, checkpoint, events.ToList()), Ct);

    private static ReadModelBatch Batch(long checkpoint, IEnumerable<SequencedEvent> events, string projection = Projection) =>
        new(projection, checkpoint, events.ToList());

    private async Task<IReadOnlyList<TransactionView>> AllHistoryAsync(AccountId account)
    {
        var page = await Store.GetTransactionsAsync(account, 1_000, null, Ct);
        Assert.Null(page.NextBeforeSequence);
        return page.Items;
    }

    private static long[] Sequences(IEnumerable<TransactionView> items) => items.Select(i => i.Sequence).ToArray();

    [Fact]
    public async Task Applying_an_open_deposit_withdraw_and_lock_batch_yields_the_right_view()
    {
        var a = new AccountStream("acc-1", "EUR");
        a.Open(owner: "Ada Lovelace", overdraftLimitCents: 10_000);
        a.Deposit(500, "salary");
        a.Withdraw(200, "rent");
        a.Lock("fraud check");

        await ApplyAsync(4, a.Events);

        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(a.Account, view.AccountId);
        Assert.Equal(Currency.Parse("EUR"), view.Currency);
        Assert.Equal(AccountStatus.Locked, view.Status);
        Assert.Equal(300, view.BalanceCents);
        Assert.Equal(10_000, view.OverdraftLimitCents);
        Assert.Equal("Ada Lovelace", view.Owner);
        Assert.Equal(4, view.LastSequence);
        Assert.Equal(a[1].Event.OccurredAt, view.OpenedAt);
        Assert.Equal(a[4].Event.OccurredAt, view.LastUpdatedAt);

        var history = await AllHistoryAsync(a.Account);
        Assert.Equal([4L, 3, 2, 1], Sequences(history));
        Assert.Equal(
            [nameof(AccountLocked), nameof(FundsWithdrawn), nameof(FundsDeposited), nameof(AccountOpened)],
            history.Select(h => h.EventType));
        Assert.Equal([null, 200L, 500L, null], history.Select(h => h.AmountCents));
        Assert.Equal([300L, 300, 500, 0], history.Select(h => h.BalanceAfterCents));
        Assert.All(history, h => Assert.Equal(Currency.Parse("EUR"), h.Currency));
        Assert.All(history, h => Assert.Equal(a.Account, h.AccountId));
        Assert.Equal("rent", history[1].Reference);
        Assert.Equal("salary", history[2].Reference);
        Assert.Null(history[3].Reference);
        Assert.Equal(a[2].Event.CommandId, history[2].CommandId);
    }

    [Fact]
    public async Task Unlocking_reopens_the_account_and_shows_in_history_without_an_amount()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(700);
        a.Lock();
        await ApplyAsync(3, a.Events);
        await ApplyAsync(4, a.Unlock());

        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(AccountStatus.Open, view.Status);
        Assert.Equal(700, view.BalanceCents);
        Assert.Equal(4, view.LastSequence);
        Assert.Equal(a[4].Event.OccurredAt, view.LastUpdatedAt);

        var newest = (await Store.GetTransactionsAsync(a.Account, 1, null, Ct)).Items.Single();
        Assert.Equal(nameof(AccountUnlocked), newest.EventType);
        Assert.Null(newest.AmountCents);
        Assert.Equal(700, newest.BalanceAfterCents);
    }

    [Fact]
    public async Task History_is_newest_first_and_pages_continue_from_the_cursor_until_a_null_cursor()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        a.Withdraw(50);
        a.Deposit(25);
        await ApplyAsync(5, a.Events);

        var first = await Store.GetTransactionsAsync(a.Account, 2, null, Ct);
        Assert.Equal([5L, 4], Sequences(first.Items));
        Assert.Equal(4, first.NextBeforeSequence);

        var second = await Store.GetTransactionsAsync(a.Account, 2, first.NextBeforeSequence, Ct);
        Assert.Equal([3L, 2], Sequences(second.Items));
        Assert.Equal(2, second.NextBeforeSequence);

        var last = await Store.GetTransactionsAsync(a.Account, 2, second.NextBeforeSequence, Ct);
        Assert.Equal([1L], Sequences(last.Items));
        Assert.Null(last.NextBeforeSequence);
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_first_event_has_a_null_cursor()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Deposit(200);
        a.Deposit(300);
        await ApplyAsync(4, a.Events);

        var first = await Store.GetTransactionsAsync(a.Account, 2, null, Ct);
        var second = await Store.GetTransactionsAsync(a.Account, 2, first.NextBeforeSequence, Ct);

        Assert.Equal([2L, 1], Sequences(second.Items));
        Assert.Null(second.NextBeforeSequence);
    }

    [Fact]
    public async Task A_limit_bigger_than_the_history_returns_all_of_it_with_a_null_cursor()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(100);
        a.Withdraw(30);
        await ApplyAsync(3, a.Events);

        var page = await Store.GetTransactionsAsync(a.Account, 50, null, Ct);

        Assert.Equal([3L, 2, 1], Sequences(page.Items));
        Assert.Null(page.NextBeforeSequence);
    }

    [Fact]
    public async Task A_cursor_in_the_middle_of_the_history_returns_only_older_entries()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        for (var i = 0; i < 9; i++)
        {
            a.Deposit(10 + i);
        }

        await ApplyAsync(10, a.Events);

        var page = await Store.GetTransactionsAsync(a.Account, 3, 7, Ct);

        Assert.Equal([6L, 5, 4], Sequences(page.Items));
        Assert.Equal(4, page.NextBeforeSequence);
    }

    [Fact]
    public async Task Re_applying_a_batch_is_a_no_op()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(500);
        a.Withdraw(120);
        await ApplyAsync(3, a.Events);

        await ApplyAsync(3, a.Events);

        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(380, view.BalanceCents);
        Assert.Equal(3, view.LastSequence);
        var sequences = Sequences(await AllHistoryAsync(a.Account));
        Assert.Equal([3L, 2, 1], sequences);
        Assert.Equal(3, await Store.LoadCheckpointAsync(Projection, Ct));
    }

    [Fact]
    public async Task A_batch_overlapping_applied_sequences_applies_only_the_new_tail()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(500);
        a.Deposit(250);
        await ApplyAsync(3, a.Range(1, 3));

        a.Withdraw(100);
        a.Deposit(1);
        await ApplyAsync(5, a.Range(2, 5));

        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(651, view.BalanceCents);
        Assert.Equal(5, view.LastSequence);
        var history = await AllHistoryAsync(a.Account);
        Assert.Equal([5L, 4, 3, 2, 1], Sequences(history));
        Assert.Equal([651L, 650, 750, 500, 0], history.Select(h => h.BalanceAfterCents));
    }

    [Fact]
    public async Task A_gap_throws_and_applies_nothing_of_that_batch_nor_moves_the_checkpoint()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(500);
        await ApplyAsync(10, a.Events);
        a.Deposit(1);
        a.Deposit(2);
        var b = new AccountStream("acc-2");
        b.Open();

        // acc-2 is valid and comes first; acc-1 skips sequence 3.
        var gap = await Assert.ThrowsAsync<ReadModelGapException>(() => ApplyAsync(20, [b[1], a[4]]));

        Assert.Equal(a.Account, gap.Account);
        Assert.Equal(2, gap.LastApplied);
        Assert.Equal(4, gap.Offered);
        Assert.Null(await Store.GetAccountAsync(b.Account, Ct));
        Assert.Empty((await Store.GetTransactionsAsync(b.Account, 10, null, Ct)).Items);
        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(2, view.LastSequence);
        Assert.Equal(500, view.BalanceCents);
        var sequences = Sequences(await AllHistoryAsync(a.Account));
        Assert.Equal([2L, 1], sequences);
        Assert.Equal(10, await Store.LoadCheckpointAsync(Projection, Ct));
    }

    [Fact]
    public async Task A_gap_late_in_a_batch_rolls_back_the_events_before_it()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(500);
        a.Deposit(1);
        a.Deposit(2);

        // 1 and 2 would apply, then 4 leaves a hole.
        await Assert.ThrowsAsync<ReadModelGapException>(() => ApplyAsync(4, [a[1], a[2], a[4]]));

        Assert.Null(await Store.GetAccountAsync(a.Account, Ct));
        Assert.Empty((await Store.GetTransactionsAsync(a.Account, 10, null, Ct)).Items);
        Assert.Equal(0, await Store.LoadCheckpointAsync(Projection, Ct));

        // The store stays usable: the repaired batch applies.
        await ApplyAsync(4, a.Events);
        Assert.Equal(4, (await Store.GetAccountAsync(a.Account, Ct))?.LastSequence);
    }

    [Fact]
    public async Task An_account_without_a_view_must_start_at_sequence_one()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(500);

        var gap = await Assert.ThrowsAsync<ReadModelGapException>(() => ApplyAsync(1, a[2]));

        Assert.Equal(0, gap.LastApplied);
        Assert.Equal(2, gap.Offered);
        Assert.Null(await Store.GetAccountAsync(a.Account, Ct));
    }

    [Fact]
    public async Task The_checkpoint_starts_at_zero_is_stored_with_the_batch_and_never_moves_backwards()
    {
        Assert.Equal(0, await Store.LoadCheckpointAsync(Projection, Ct));

        var a = new AccountStream("acc-1");
        a.Open();
        await ApplyAsync(5, a.Events);
        Assert.Equal(5, await Store.LoadCheckpointAsync(Projection, Ct));

        await ApplyAsync(3);
        Assert.Equal(5, await Store.LoadCheckpointAsync(Projection, Ct));

        await ApplyAsync(9, a.Deposit(10));
        Assert.Equal(9, await Store.LoadCheckpointAsync(Projection, Ct));

        await ApplyAsync(12);
        Assert.Equal(12, await Store.LoadCheckpointAsync(Projection, Ct));
    }

    [Fact]
    public async Task Checkpoints_are_kept_per_projection_id()
    {
        await Store.ApplyAsync(Batch(7, [], "accounts-0"), Ct);
        await Store.ApplyAsync(Batch(42, [], "accounts-1"), Ct);

        Assert.Equal(7, await Store.LoadCheckpointAsync("accounts-0", Ct));
        Assert.Equal(42, await Store.LoadCheckpointAsync("accounts-1", Ct));
        Assert.Equal(0, await Store.LoadCheckpointAsync("accounts-2", Ct));
    }

    [Fact]
    public async Task One_batch_advances_every_checkpoint_it_names_and_none_moves_backwards()
    {
        var a = new AccountStream("acc-1", "USD");
        a.Open();
        await Store.ApplyAsync(Batch(30, [], "accounts-1"), Ct);

        await Store.ApplyAsync(new ReadModelBatch([new("accounts-0", 20), new("accounts-1", 20)], a.Events), Ct);

        Assert.Equal(20, await Store.LoadCheckpointAsync("accounts-0", Ct));
        Assert.Equal(30, await Store.LoadCheckpointAsync("accounts-1", Ct));
        Assert.Equal(1, (await Store.GetAccountAsync(AccountId.Parse("acc-1"), Ct))!.LastSequence);
    }

    [Fact]
    public async Task An_unknown_account_has_no_view_and_an_empty_history()
    {
        var known = new AccountStream("acc-known");
        known.Open();
        await ApplyAsync(1, known.Events);

        var unknown = AccountId.Parse("acc-unknown");
        Assert.Null(await Store.GetAccountAsync(unknown, Ct));
        var page = await Store.GetTransactionsAsync(unknown, 10, null, Ct);
        Assert.Empty(page.Items);
        Assert.Null(page.NextBeforeSequence);
    }

    [Fact]
    public async Task LoadLastSequences_returns_only_known_accounts()
    {
        var a = new AccountStream("acc-a");
        a.Open();
        a.Deposit(1);
        a.Deposit(2);
        var b = new AccountStream("acc-b");
        b.Open();
        await ApplyAsync(4, [.. a.Events, .. b.Events]);
        var unknown = AccountId.Parse("acc-c");

        var last = await Store.LoadLastSequencesAsync([a.Account, unknown, b.Account], Ct);

        Assert.Equal(2, last.Count);
        Assert.Equal(3, last[a.Account]);
        Assert.Equal(1, last[b.Account]);
        Assert.False(last.ContainsKey(unknown));
        Assert.Empty(await Store.LoadLastSequencesAsync([], Ct));
    }

    [Fact]
    public async Task Accounts_are_isolated_from_each_other()
    {
        var a = new AccountStream("acc-a", "USD");
        var b = new AccountStream("acc-b", "JPY");
        var interleaved = new List<SequencedEvent>
        {
            a.Open(owner: "Ada"),
            b.Open(owner: "Bob", overdraftLimitCents: 5_000),
            b.Withdraw(3_000),
            a.Deposit(100),
            a.Deposit(200),
            b.Lock(),
        };

        await ApplyAsync(6, interleaved);

        var viewA = await Store.GetAccountAsync(a.Account, Ct);
        var viewB = await Store.GetAccountAsync(b.Account, Ct);
        Assert.NotNull(viewA);
        Assert.NotNull(viewB);
        Assert.Equal((300L, 3L, AccountStatus.Open, "Ada", 0L), (viewA.BalanceCents, viewA.LastSequence, viewA.Status, viewA.Owner, viewA.OverdraftLimitCents));
        Assert.Equal((-3_000L, 3L, AccountStatus.Locked, "Bob", 5_000L), (viewB.BalanceCents, viewB.LastSequence, viewB.Status, viewB.Owner, viewB.OverdraftLimitCents));
        Assert.Equal(Currency.Parse("JPY"), viewB.Currency);

        var historyA = await AllHistoryAsync(a.Account);
        var historyB = await AllHistoryAsync(b.Account);
        Assert.Equal([nameof(FundsDeposited), nameof(FundsDeposited), nameof(AccountOpened)], historyA.Select(h => h.EventType));
        Assert.Equal([nameof(AccountLocked), nameof(FundsWithdrawn), nameof(AccountOpened)], historyB.Select(h => h.EventType));
        Assert.All(historyA, h => Assert.Equal(a.Account, h.AccountId));
        Assert.All(historyB, h => Assert.Equal(b.Account, h.AccountId));
    }

    [Fact]
    public async Task Data_survives_disposing_and_reopening_the_store()
    {
        var a = new AccountStream("acc-1");
        a.Open(owner: "Ada");
        a.Deposit(900, "before restart");
        await ApplyAsync(2, a.Events);

        _store = await ReopenStoreAsync(Store);
        await Store.InitializeAsync(Ct);

        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal(900, view.BalanceCents);
        Assert.Equal(2, view.LastSequence);
        Assert.Equal(2, await Store.LoadCheckpointAsync(Projection, Ct));
        var sequences = Sequences(await AllHistoryAsync(a.Account));
        Assert.Equal([2L, 1], sequences);

        // And it keeps applying where it left off.
        await ApplyAsync(3, a.Withdraw(400));
        Assert.Equal(500, (await Store.GetAccountAsync(a.Account, Ct))?.BalanceCents);
    }

    [Fact]
    public async Task Initializing_again_keeps_the_data()
    {
        var a = new AccountStream("acc-1");
        a.Open();
        await ApplyAsync(1, a.Events);

        await Store.InitializeAsync(Ct);

        Assert.Equal(1, (await Store.GetAccountAsync(a.Account, Ct))?.LastSequence);
        Assert.Equal(1, await Store.LoadCheckpointAsync(Projection, Ct));
    }

    [Fact]
    public async Task Events_keep_exact_timestamps_and_references()
    {
        const string unicode = "Miete März — 東京 🏦 \"quoted\" 'single' ; DROP TABLE x; --";
        var a = new AccountStream("acc-1");
        a.Open(owner: "Zoë Ørsted 🦊");
        a.Deposit(12_345, unicode);
        a.Withdraw(1, null);
        await ApplyAsync(3, a.Events);

        var view = await Store.GetAccountAsync(a.Account, Ct);
        Assert.NotNull(view);
        Assert.Equal("Zoë Ørsted 🦊", view.Owner);
        var history = await AllHistoryAsync(a.Account);
        Assert.Equal(unicode, history[1].Reference);
        Assert.Null(history[0].Reference);
        foreach (var item in history)
        {
            var source = a[item.Sequence].Event;
            // Equal instants, to the microsecond at least (the stream's times carry microseconds).
            Assert.Equal(source.OccurredAt.UtcTicks / 10, item.OccurredAt.UtcTicks / 10);
            Assert.Equal(source.ClientCreatedAt.UtcTicks / 10, item.ClientCreatedAt.UtcTicks / 10);
            Assert.Equal(source.CommandId, item.CommandId);
        }

        Assert.Equal(a[1].Event.OccurredAt.UtcTicks / 10, view.OpenedAt.UtcTicks / 10);
        Assert.Equal(a[3].Event.OccurredAt.UtcTicks / 10, view.LastUpdatedAt.UtcTicks / 10);
    }

    [Fact]
    public async Task A_large_batch_over_many_accounts_applies_completely()
    {
        var streams = Enumerable.Range(0, 100).Select(i => new AccountStream($"acc-{i:D3}")).ToList();
        var batch = new List<SequencedEvent>();
        foreach (var s in streams)
        {
            batch.Add(s.Open());
        }

        for (var round = 0; round < 9; round++)
        {
            foreach (var s in streams)
            {
                batch.Add(s.Deposit(round + 1));
            }
        }

        await ApplyAsync(batch.Count, batch);

        var last = await Store.LoadLastSequencesAsync(streams.Select(s => s.Account).ToList(), Ct);
        Assert.Equal(100, last.Count);
        Assert.All(last.Values, v => Assert.Equal(10, v));
        var sample = await Store.GetAccountAsync(streams[57].Account, Ct);
        Assert.Equal(45, sample?.BalanceCents);
        Assert.Equal(1_000, await Store.LoadCheckpointAsync(Projection, Ct));
    }
}
