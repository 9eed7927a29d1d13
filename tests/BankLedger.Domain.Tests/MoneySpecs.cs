namespace BankLedger.Domain.Tests;

public sealed class DepositSpecs
{
    [Fact]
    public void Deposit_records_funds_deposited_with_the_new_balance()
    {
        var deposit = Cmd.Deposit(25_00, reference: "salary");

        new AccountSpec()
            .Given(History.Opened(), History.Deposited(10_00, balanceAfter: 10_00))
            .When(deposit)
            .ThenEvents(new FundsDeposited { AmountCents = 25_00, Currency = TestData.Eur, Reference = "salary", BalanceAfterCents = 35_00 }
                .CausedBy(deposit, TestData.Now));
    }

    [Fact]
    public void Deposit_raises_the_balance_by_the_amount()
    {
        var state = new AccountSpec()
            .Given(History.Opened(), History.Deposited(10_00, balanceAfter: 10_00))
            .When(Cmd.Deposit(25_00))
            .ThenState();

        Assert.Equal(35_00, state.BalanceCents);
    }

    [Fact]
    public void Deposit_to_an_unknown_account_is_rejected_with_account_not_found()
    {
        new AccountSpec().When(Cmd.Deposit(10_00)).ThenRejected(RejectionCodes.AccountNotFound);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-10_00)]
    [InlineData(long.MinValue)]
    [InlineData(MoneyRules.MaxAmountCents + 1)]
    [InlineData(long.MaxValue)]
    public void Deposit_of_an_amount_outside_one_cent_to_the_maximum_is_rejected_with_invalid_amount(long amount)
    {
        new AccountSpec()
            .Given(History.Opened())
            .When(Cmd.Deposit(amount))
            .ThenRejected(RejectionCodes.InvalidAmount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(MoneyRules.MaxAmountCents)]
    public void Deposit_of_exactly_one_cent_or_exactly_the_maximum_is_accepted(long amount)
    {
        var spec = new AccountSpec().Given(History.Opened()).When(Cmd.Deposit(amount));

        Assert.Equal(amount, spec.ThenEvent<FundsDeposited>().BalanceAfterCents);
    }

    [Fact]
    public void The_maximum_single_amount_is_one_trillion_cents()
    {
        Assert.Equal(1_000_000_000_000, MoneyRules.MaxAmountCents);
    }

    [Fact]
    public void Deposit_in_another_currency_is_rejected_with_currency_mismatch()
    {
        new AccountSpec()
            .Given(History.Opened(currency: "EUR"))
            .When(Cmd.Deposit(10_00, currency: "USD"))
            .ThenRejected(RejectionCodes.CurrencyMismatch);
    }

    [Fact]
    public void Deposit_to_a_locked_account_is_rejected_with_account_locked()
    {
        new AccountSpec()
            .Given(History.Opened(), History.Locked())
            .When(Cmd.Deposit(10_00))
            .ThenRejected(RejectionCodes.AccountLocked);
    }

    [Fact]
    public void Deposit_that_would_overflow_the_balance_is_rejected_with_balance_overflow()
    {
        new AccountSpec()
            .Given(History.Opened())
            .GivenState(state => state with { BalanceCents = long.MaxValue - 5 })
            .When(Cmd.Deposit(6))
            .ThenRejected(RejectionCodes.BalanceOverflow);
    }

    [Fact]
    public void Deposit_that_brings_the_balance_to_exactly_the_largest_long_is_accepted()
    {
        var spec = new AccountSpec()
            .Given(History.Opened())
            .GivenState(state => state with { BalanceCents = long.MaxValue - 5 })
            .When(Cmd.Deposit(5));

        Assert.Equal(long.MaxValue, spec.ThenEvent<FundsDeposited>().BalanceAfterCents);
    }

    [Fact]
    public void A_rejected_deposit_leaves_the_state_unchanged()
    {
        var spec = new AccountSpec().Given(History.Opened(), History.Locked()).When(Cmd.Deposit(10_00));

        spec.ThenRejected(RejectionCodes.AccountLocked);
        Assert.Same(spec.StateBefore, spec.ThenState());
    }
}

public sealed class WithdrawSpecs
{
    [Fact]
    public void Withdraw_within_the_balance_records_funds_withdrawn_with_the_new_balance()
    {
        var withdraw = Cmd.Withdraw(30_00, reference: "rent");

        new AccountSpec()
            .Given(History.Opened(), History.Deposited(100_00, balanceAfter: 100_00))
            .When(withdraw)
            .ThenEvents(new FundsWithdrawn { AmountCents = 30_00, Currency = TestData.Eur, Reference = "rent", BalanceAfterCents = 70_00 }
                .CausedBy(withdraw, TestData.Now));
    }

    [Fact]
    public void Withdraw_lowers_the_balance_by_the_amount()
    {
        var state = new AccountSpec()
            .Given(History.Opened(), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(30_00))
            .ThenState();

        Assert.Equal(70_00, state.BalanceCents);
    }

    [Fact]
    public void Withdraw_from_an_unknown_account_is_rejected_with_account_not_found()
    {
        new AccountSpec().When(Cmd.Withdraw(10_00)).ThenRejected(RejectionCodes.AccountNotFound);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-10_00)]
    [InlineData(long.MinValue)]
    [InlineData(MoneyRules.MaxAmountCents + 1)]
    [InlineData(long.MaxValue)]
    public void Withdraw_of_an_amount_outside_one_cent_to_the_maximum_is_rejected_with_invalid_amount(long amount)
    {
        new AccountSpec()
            .Given(History.Opened(overdraft: MoneyRules.MaxOverdraftCents), History.Deposited(MoneyRules.MaxAmountCents, MoneyRules.MaxAmountCents))
            .When(Cmd.Withdraw(amount))
            .ThenRejected(RejectionCodes.InvalidAmount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(MoneyRules.MaxAmountCents)]
    public void Withdraw_of_exactly_one_cent_or_exactly_the_maximum_is_accepted(long amount)
    {
        var spec = new AccountSpec()
            .Given(History.Opened(), History.Deposited(MoneyRules.MaxAmountCents, MoneyRules.MaxAmountCents))
            .When(Cmd.Withdraw(amount));

        Assert.Equal(MoneyRules.MaxAmountCents - amount, spec.ThenEvent<FundsWithdrawn>().BalanceAfterCents);
    }

    [Fact]
    public void Withdraw_in_another_currency_is_rejected_with_currency_mismatch()
    {
        new AccountSpec()
            .Given(History.Opened(currency: "EUR"), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(10_00, currency: "USD"))
            .ThenRejected(RejectionCodes.CurrencyMismatch);
    }

    [Fact]
    public void Withdraw_from_a_locked_account_is_rejected_with_account_locked()
    {
        new AccountSpec()
            .Given(History.Opened(), History.Deposited(100_00, balanceAfter: 100_00), History.Locked())
            .When(Cmd.Withdraw(10_00))
            .ThenRejected(RejectionCodes.AccountLocked);
    }

    [Fact]
    public void Withdraw_more_than_balance_is_rejected_with_insufficient_funds()
    {
        new AccountSpec()
            .Given(History.Opened(overdraft: 0), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(100_01))
            .ThenRejected(RejectionCodes.InsufficientFunds);
    }

    [Fact]
    public void Withdraw_of_the_whole_balance_without_overdraft_is_accepted()
    {
        var spec = new AccountSpec()
            .Given(History.Opened(overdraft: 0), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(100_00));

        Assert.Equal(0, spec.ThenEvent<FundsWithdrawn>().BalanceAfterCents);
    }

    [Fact]
    public void Withdraw_down_to_exactly_minus_the_overdraft_limit_is_accepted()
    {
        var spec = new AccountSpec()
            .Given(History.Opened(overdraft: 50_00), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(150_00));

        Assert.Equal(-50_00, spec.ThenEvent<FundsWithdrawn>().BalanceAfterCents);
        Assert.Equal(-50_00, spec.ThenState().BalanceCents);
    }

    [Fact]
    public void Withdraw_one_cent_beyond_the_overdraft_limit_is_rejected_with_insufficient_funds()
    {
        new AccountSpec()
            .Given(History.Opened(overdraft: 50_00), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(150_01))
            .ThenRejected(RejectionCodes.InsufficientFunds);
    }

    [Fact]
    public void Withdraw_of_one_cent_at_the_overdraft_limit_is_rejected_with_insufficient_funds()
    {
        new AccountSpec()
            .Given(History.Opened(overdraft: 50_00), History.Withdrawn(50_00, balanceAfter: -50_00))
            .When(Cmd.Withdraw(1))
            .ThenRejected(RejectionCodes.InsufficientFunds);
    }

    [Fact]
    public void Withdraw_of_the_maximum_amount_with_the_maximum_overdraft_from_an_empty_account_is_accepted()
    {
        var spec = new AccountSpec()
            .Given(History.Opened(overdraft: MoneyRules.MaxOverdraftCents))
            .When(Cmd.Withdraw(MoneyRules.MaxAmountCents));

        Assert.Equal(-MoneyRules.MaxOverdraftCents, spec.ThenEvent<FundsWithdrawn>().BalanceAfterCents);
    }

    [Fact]
    public void Insufficient_funds_rejection_tells_the_balance_the_overdraft_and_the_amount()
    {
        var rejection = new AccountSpec()
            .Given(History.Opened(overdraft: 50_00), History.Deposited(100_00, balanceAfter: 100_00))
            .When(Cmd.Withdraw(150_01))
            .ThenRejected(RejectionCodes.InsufficientFunds);

        Assert.Contains("10000", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("5000", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("15001", rejection.Detail, StringComparison.Ordinal);
    }
}

/// <summary>Which rule speaks first when a command breaks several: fixed, so clients get a stable answer.</summary>
public sealed class RejectionPrecedenceSpecs
{
    [Fact]
    public void An_invalid_amount_is_reported_before_a_lock_or_a_currency_mismatch()
    {
        new AccountSpec()
            .Given(History.Opened(currency: "EUR"), History.Locked())
            .When(Cmd.Withdraw(0, currency: "USD"))
            .ThenRejected(RejectionCodes.InvalidAmount);
    }

    [Fact]
    public void A_lock_is_reported_before_a_currency_mismatch()
    {
        new AccountSpec()
            .Given(History.Opened(currency: "EUR"), History.Locked())
            .When(Cmd.Deposit(10_00, currency: "USD"))
            .ThenRejected(RejectionCodes.AccountLocked);
    }

    [Fact]
    public void A_currency_mismatch_is_reported_before_insufficient_funds()
    {
        new AccountSpec()
            .Given(History.Opened(currency: "EUR"))
            .When(Cmd.Withdraw(10_00, currency: "USD"))
            .ThenRejected(RejectionCodes.CurrencyMismatch);
    }

    [Fact]
    public void A_missing_account_is_reported_before_an_invalid_amount()
    {
        new AccountSpec().When(Cmd.Deposit(0)).ThenRejected(RejectionCodes.AccountNotFound);
    }

    [Fact]
    public void A_sequence_conflict_is_reported_before_the_business_rules()
    {
        new AccountSpec()
            .Given(History.Opened())
            .When(Cmd.Withdraw(10_00, expected: 7))
            .ThenRejected(RejectionCodes.SequenceConflict);
    }
}
