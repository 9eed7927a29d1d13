namespace BankLedger.Domain.Tests;

/// <summary>What every event carries, whatever command caused it.</summary>
public sealed class EventContentSpecs
{
    public static TheoryData<string> CommandKinds => ["open", "deposit", "withdraw", "lock", "unlock"];

    private static readonly DateTimeOffset ServerTime = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static (AccountEvent[] Given, AccountCommand Command) Case(string kind) => kind switch
    {
        "open" => ([], Cmd.Open()),
        "deposit" => ([History.Opened()], Cmd.Deposit(10_00)),
        "withdraw" => ([History.Opened(), History.Deposited(20_00, balanceAfter: 20_00)], Cmd.Withdraw(10_00)),
        "lock" => ([History.Opened()], Cmd.Lock()),
        "unlock" => ([History.Opened(), History.Locked()], Cmd.Unlock()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static (AccountCommand Command, AccountEvent Event) Decide(string kind)
    {
        var (given, command) = Case(kind);
        return (command, new AccountSpec(ServerTime).Given(given).When(command).ThenAccepted().Event);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void Every_event_carries_the_account_id_and_command_id_of_its_command(string kind)
    {
        var (command, @event) = Decide(kind);

        Assert.Equal(command.AccountId, @event.AccountId);
        Assert.Equal(command.CommandId, @event.CommandId);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void Every_event_carries_the_fingerprint_of_its_command(string kind)
    {
        var (command, @event) = Decide(kind);

        Assert.Equal(command.Fingerprint, @event.CommandFingerprint);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void Every_event_occurs_at_the_injected_server_time(string kind)
    {
        Assert.Equal(ServerTime, Decide(kind).Event.OccurredAt);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void Every_event_keeps_the_client_created_at_of_its_command_as_a_claim(string kind)
    {
        var (command, @event) = Decide(kind);

        Assert.Equal(command.CreatedAt, @event.ClientCreatedAt);
        Assert.Equal(TestData.ClientTime, @event.ClientCreatedAt);
        Assert.NotEqual(@event.OccurredAt, @event.ClientCreatedAt);
    }

    [Fact]
    public void Event_type_names_are_stable()
    {
        Assert.Equal("AccountOpened", Decide("open").Event.EventType);
        Assert.Equal("FundsDeposited", Decide("deposit").Event.EventType);
        Assert.Equal("FundsWithdrawn", Decide("withdraw").Event.EventType);
        Assert.Equal("AccountLocked", Decide("lock").Event.EventType);
        Assert.Equal("AccountUnlocked", Decide("unlock").Event.EventType);
    }

    [Fact]
    public void Funds_deposited_carries_amount_currency_reference_and_the_balance_after()
    {
        var deposited = new AccountSpec()
            .Given(History.Opened(currency: "USD"), History.Deposited(1_00, balanceAfter: 1_00, currency: "USD"))
            .When(Cmd.Deposit(2_50, currency: "USD", reference: "gift"))
            .ThenEvent<FundsDeposited>();

        Assert.Equal(2_50, deposited.AmountCents);
        Assert.Equal(TestData.Usd, deposited.Currency);
        Assert.Equal("gift", deposited.Reference);
        Assert.Equal(3_50, deposited.BalanceAfterCents);
        Assert.Equal(2_50, deposited.SignedAmountCents);
    }

    [Fact]
    public void Funds_withdrawn_carries_amount_currency_reference_and_the_balance_after()
    {
        var withdrawn = new AccountSpec()
            .Given(History.Opened(overdraft: 10_00), History.Deposited(1_00, balanceAfter: 1_00))
            .When(Cmd.Withdraw(2_50, reference: "coffee"))
            .ThenEvent<FundsWithdrawn>();

        Assert.Equal(2_50, withdrawn.AmountCents);
        Assert.Equal(TestData.Eur, withdrawn.Currency);
        Assert.Equal("coffee", withdrawn.Reference);
        Assert.Equal(-1_50, withdrawn.BalanceAfterCents);
        Assert.Equal(-2_50, withdrawn.SignedAmountCents);
    }

    [Fact]
    public void A_money_event_without_a_reference_has_none()
    {
        Assert.Null(new AccountSpec().Given(History.Opened()).When(Cmd.Deposit(1_00)).ThenEvent<FundsDeposited>().Reference);
    }

    [Fact]
    public void Deciding_the_same_command_at_another_time_only_changes_occurred_at()
    {
        var deposit = Cmd.Deposit(1_00);
        var opened = History.Opened();
        var early = new AccountSpec(TestData.Now).Given(opened).When(deposit).ThenAccepted().Event;
        var late = new AccountSpec(TestData.Now.AddHours(3)).Given(opened).When(deposit).ThenAccepted().Event;

        Assert.Equal(TestData.Now.AddHours(3), late.OccurredAt);
        Assert.Equal(early with { OccurredAt = late.OccurredAt }, late);
    }

    [Fact]
    public void Deciding_does_not_change_the_given_state()
    {
        var spec = new AccountSpec().Given(History.Opened(), History.Deposited(5_00, balanceAfter: 5_00));
        var before = spec.StateBefore with { };

        spec.When(Cmd.Withdraw(1_00)).ThenAccepted();

        Assert.Equal(before, spec.StateBefore);
    }
}
