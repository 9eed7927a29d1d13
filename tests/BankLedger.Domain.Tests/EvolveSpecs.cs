namespace BankLedger.Domain.Tests;

public sealed class EvolveSpecs
{
    private static readonly AccountEvent[] FullHistory =
    [
        History.Opened(overdraft: 20_00, currency: "USD", owner: "Alan"),
        History.Deposited(10_00, balanceAfter: 10_00, currency: "USD"),
        History.Withdrawn(25_00, balanceAfter: -15_00, currency: "USD"),
        History.Locked(),
        History.Unlocked(),
        History.Deposited(5_00, balanceAfter: -10_00, currency: "USD"),
    ];

    [Fact]
    public void Each_event_increments_the_sequence_by_exactly_one()
    {
        var state = AccountState.Initial(TestData.AccountId);
        Assert.Equal(0, state.Sequence);

        for (var i = 0; i < FullHistory.Length; i++)
        {
            state = Account.Evolve(state, FullHistory[i]);
            Assert.Equal(i + 1, state.Sequence);
        }
    }

    [Fact]
    public void A_new_account_state_does_not_exist_and_is_empty()
    {
        var state = AccountState.Initial(TestData.AccountId);

        Assert.False(state.Exists);
        Assert.Equal(AccountStatus.None, state.Status);
        Assert.Equal(0, state.BalanceCents);
        Assert.Equal(0, state.Processed.Count);
        Assert.Null(state.LastUpdatedAt);
    }

    [Fact]
    public void Money_events_set_the_balance_to_their_balance_after()
    {
        var state = Account.Replay(AccountState.Initial(TestData.AccountId), FullHistory);

        Assert.Equal(-10_00, state.BalanceCents);
        Assert.Equal(AccountStatus.Open, state.Status);
        Assert.Equal(TestData.Usd, state.Currency);
        Assert.Equal(20_00, state.OverdraftLimitCents);
        Assert.Equal("Alan", state.Owner);
    }

    [Fact]
    public void Evolve_records_the_command_of_each_event_in_the_idempotency_window()
    {
        var state = Account.Replay(AccountState.Initial(TestData.AccountId), FullHistory);

        Assert.Equal(FullHistory.Length, state.Processed.Count);
        var withdrawn = FullHistory[2];
        var entry = state.Processed.Find(withdrawn.CommandId);
        Assert.Equal(
            new ProcessedCommand(withdrawn.CommandId, withdrawn.CommandFingerprint, 3, nameof(FundsWithdrawn), -15_00, withdrawn.OccurredAt),
            entry);
    }

    [Fact]
    public void Evolve_sets_last_updated_at_to_the_event_time()
    {
        var later = History.Deposited(1_00, balanceAfter: 1_00) with { OccurredAt = TestData.Now.AddDays(2) };

        var state = Account.Replay(AccountState.Initial(TestData.AccountId), [History.Opened(), later]);

        Assert.Equal(TestData.Now.AddDays(2), state.LastUpdatedAt);
    }

    [Fact]
    public void Evolve_returns_a_new_state_and_leaves_the_old_one_untouched()
    {
        var before = Account.Evolve(AccountState.Initial(TestData.AccountId), History.Opened());

        var after = Account.Evolve(before, History.Deposited(7_00, balanceAfter: 7_00));

        Assert.Equal(0, before.BalanceCents);
        Assert.Equal(1, before.Sequence);
        Assert.Equal(1, before.Processed.Count);
        Assert.Equal(7_00, after.BalanceCents);
        Assert.Equal(2, after.Sequence);
    }

    [Fact]
    public void Replaying_no_events_returns_the_initial_state()
    {
        var initial = AccountState.Initial(TestData.AccountId);

        Assert.Same(initial, Account.Replay(initial, []));
    }

    [Fact]
    public void Replaying_a_history_gives_the_same_state_as_evolving_it_event_by_event()
    {
        var stepwise = AccountState.Initial(TestData.AccountId);
        foreach (var @event in FullHistory) stepwise = Account.Evolve(stepwise, @event);

        var replayed = Account.Replay(AccountState.Initial(TestData.AccountId), FullHistory);

        Assert.Equal(stepwise with { Processed = replayed.Processed }, replayed);
        Assert.Equal(stepwise.Processed.OldestFirst, replayed.Processed.OldestFirst);
    }
}
