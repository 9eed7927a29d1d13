namespace BankLedger.Domain.Tests;

public sealed class LockSpecs
{
    [Fact]
    public void Locking_an_open_account_records_account_locked_with_the_reason()
    {
        var lockAccount = Cmd.Lock(reason: "fraud suspected");

        new AccountSpec()
            .Given(History.Opened())
            .When(lockAccount)
            .ThenEvents(new AccountLocked { Reason = "fraud suspected" }.CausedBy(lockAccount, TestData.Now));
    }

    [Fact]
    public void A_locked_account_has_locked_status_and_keeps_its_balance()
    {
        var state = new AccountSpec()
            .Given(History.Opened(), History.Deposited(10_00, balanceAfter: 10_00))
            .When(Cmd.Lock())
            .ThenState();

        Assert.Equal(AccountStatus.Locked, state.Status);
        Assert.True(state.Exists);
        Assert.Equal(10_00, state.BalanceCents);
    }

    [Fact]
    public void Locking_a_locked_account_is_rejected_with_account_already_locked()
    {
        new AccountSpec()
            .Given(History.Opened(), History.Locked())
            .When(Cmd.Lock())
            .ThenRejected(RejectionCodes.AccountAlreadyLocked);
    }

    [Fact]
    public void Locking_twice_through_the_decider_is_rejected_with_account_already_locked()
    {
        new AccountSpec()
            .GivenAccepted(Cmd.Open(), Cmd.Lock())
            .When(Cmd.Lock())
            .ThenRejected(RejectionCodes.AccountAlreadyLocked);
    }

    [Fact]
    public void Locking_an_unknown_account_is_rejected_with_account_not_found()
    {
        new AccountSpec().When(Cmd.Lock()).ThenRejected(RejectionCodes.AccountNotFound);
    }

    [Fact]
    public void Unlocking_a_locked_account_records_account_unlocked_with_the_reason()
    {
        var unlock = Cmd.Unlock(reason: "verified by phone");

        new AccountSpec()
            .Given(History.Opened(), History.Locked())
            .When(unlock)
            .ThenEvents(new AccountUnlocked { Reason = "verified by phone" }.CausedBy(unlock, TestData.Now));
    }

    [Fact]
    public void An_unlocked_account_is_open_again()
    {
        var state = new AccountSpec().Given(History.Opened(), History.Locked()).When(Cmd.Unlock()).ThenState();

        Assert.Equal(AccountStatus.Open, state.Status);
    }

    [Fact]
    public void Unlocking_an_open_account_is_rejected_with_account_not_locked()
    {
        new AccountSpec()
            .Given(History.Opened())
            .When(Cmd.Unlock())
            .ThenRejected(RejectionCodes.AccountNotLocked);
    }

    [Fact]
    public void Unlocking_twice_is_rejected_with_account_not_locked()
    {
        new AccountSpec()
            .Given(History.Opened(), History.Locked(), History.Unlocked())
            .When(Cmd.Unlock())
            .ThenRejected(RejectionCodes.AccountNotLocked);
    }

    [Fact]
    public void Unlocking_an_unknown_account_is_rejected_with_account_not_found()
    {
        new AccountSpec().When(Cmd.Unlock()).ThenRejected(RejectionCodes.AccountNotFound);
    }

    [Fact]
    public void Unlocking_makes_deposits_work_again()
    {
        var spec = new AccountSpec()
            .Given(History.Opened(), History.Locked(), History.Unlocked())
            .When(Cmd.Deposit(10_00));

        Assert.Equal(10_00, spec.ThenEvent<FundsDeposited>().BalanceAfterCents);
    }

    [Fact]
    public void Unlocking_makes_withdrawals_work_again()
    {
        var spec = new AccountSpec()
            .Given(History.Opened(), History.Deposited(10_00, balanceAfter: 10_00), History.Locked(), History.Unlocked())
            .When(Cmd.Withdraw(4_00));

        Assert.Equal(6_00, spec.ThenEvent<FundsWithdrawn>().BalanceAfterCents);
    }

    [Fact]
    public void An_account_can_be_locked_again_after_an_unlock()
    {
        new AccountSpec()
            .Given(History.Opened(), History.Locked(), History.Unlocked())
            .When(Cmd.Lock())
            .ThenEvent<AccountLocked>();
    }
}
