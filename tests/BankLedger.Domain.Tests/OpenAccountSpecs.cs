namespace BankLedger.Domain.Tests;

public sealed class OpenAccountSpecs
{
    [Fact]
    public void Opening_a_new_account_records_account_opened_with_currency_overdraft_and_owner()
    {
        var open = Cmd.Open(overdraft: 50_00, currency: "EUR", owner: "Ada Lovelace");

        new AccountSpec()
            .When(open)
            .ThenEvents(new AccountOpened { Currency = TestData.Eur, OverdraftLimitCents = 50_00, Owner = "Ada Lovelace" }
                .CausedBy(open, TestData.Now));
    }

    [Fact]
    public void An_opened_account_is_open_with_zero_balance_at_sequence_one()
    {
        var state = new AccountSpec().When(Cmd.Open(overdraft: 50_00, currency: "USD")).ThenState();

        Assert.True(state.Exists);
        Assert.Equal(AccountStatus.Open, state.Status);
        Assert.Equal(0, state.BalanceCents);
        Assert.Equal(1, state.Sequence);
        Assert.Equal(TestData.Usd, state.Currency);
        Assert.Equal(50_00, state.OverdraftLimitCents);
    }

    [Fact]
    public void Opening_without_an_overdraft_defaults_the_limit_to_zero()
    {
        var open = new OpenAccount
        {
            AccountId = TestData.AccountId,
            CommandId = TestData.NewCommandId(),
            CreatedAt = TestData.ClientTime,
            Currency = TestData.Eur,
        };

        var spec = new AccountSpec().When(open);

        Assert.Equal(0, spec.ThenEvent<AccountOpened>().OverdraftLimitCents);
        Assert.Equal(0, spec.ThenState().OverdraftLimitCents);
    }

    [Fact]
    public void Opening_keeps_the_owner_in_the_event_and_the_state()
    {
        var spec = new AccountSpec().When(Cmd.Open(owner: "Grace Hopper"));

        Assert.Equal("Grace Hopper", spec.ThenEvent<AccountOpened>().Owner);
        Assert.Equal("Grace Hopper", spec.ThenState().Owner);
    }

    [Fact]
    public void Opening_without_an_owner_leaves_the_owner_empty()
    {
        var spec = new AccountSpec().When(Cmd.Open(owner: null));

        Assert.Null(spec.ThenEvent<AccountOpened>().Owner);
        Assert.Null(spec.ThenState().Owner);
    }

    [Fact]
    public void Opening_an_account_that_already_exists_is_rejected_with_account_already_exists()
    {
        new AccountSpec()
            .Given(History.Opened())
            .When(Cmd.Open())
            .ThenRejected(RejectionCodes.AccountAlreadyExists);
    }

    [Fact]
    public void Opening_a_locked_account_again_is_rejected_with_account_already_exists()
    {
        new AccountSpec()
            .Given(History.Opened(), History.Locked())
            .When(Cmd.Open())
            .ThenRejected(RejectionCodes.AccountAlreadyExists);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-100_00)]
    [InlineData(MoneyRules.MaxOverdraftCents + 1)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void Opening_with_an_overdraft_outside_zero_to_the_maximum_is_rejected_with_invalid_overdraft(long overdraft)
    {
        new AccountSpec()
            .When(Cmd.Open(overdraft: overdraft))
            .ThenRejected(RejectionCodes.InvalidOverdraft);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(MoneyRules.MaxOverdraftCents)]
    public void Opening_with_an_overdraft_within_the_bounds_is_accepted(long overdraft)
    {
        Assert.Equal(overdraft, new AccountSpec().When(Cmd.Open(overdraft: overdraft)).ThenEvent<AccountOpened>().OverdraftLimitCents);
    }

    [Fact]
    public void The_maximum_overdraft_is_one_trillion_cents()
    {
        Assert.Equal(1_000_000_000_000, MoneyRules.MaxOverdraftCents);
    }
}
