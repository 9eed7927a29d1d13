namespace BankLedger.Domain.Tests;

public sealed class IdempotencySpecs
{
    [Fact]
    public void Repeating_an_accepted_deposit_returns_already_accepted_with_the_original_outcome()
    {
        var deposit = Cmd.Deposit(25_00, id: "dep-1");

        var original = new AccountSpec()
            .GivenAccepted(Cmd.Open(), Cmd.Deposit(10_00), deposit)
            .When(deposit with { })
            .ThenAlreadyAccepted();

        Assert.Equal(deposit.CommandId, original.CommandId);
        Assert.Equal(deposit.Fingerprint, original.Fingerprint);
        Assert.Equal(3, original.Sequence);
        Assert.Equal(35_00, original.BalanceAfterCents);
        Assert.Equal(nameof(FundsDeposited), original.EventType);
        Assert.Equal(TestData.Now, original.OccurredAt);
    }

    [Fact]
    public void Repeating_a_command_after_other_commands_returns_the_original_sequence_balance_and_event_type()
    {
        var withdraw = Cmd.Withdraw(4_00, id: "wd-1");

        var original = new AccountSpec()
            .GivenAccepted(Cmd.Open(), Cmd.Deposit(10_00), withdraw, Cmd.Deposit(100_00), Cmd.Withdraw(1_00), Cmd.Lock(), Cmd.Unlock())
            .When(withdraw)
            .ThenAlreadyAccepted();

        Assert.Equal(3, original.Sequence);
        Assert.Equal(6_00, original.BalanceAfterCents);
        Assert.Equal(nameof(FundsWithdrawn), original.EventType);
    }

    [Fact]
    public void A_repeated_command_rebuilt_with_the_same_content_is_recognised()
    {
        var spec = new AccountSpec()
            .GivenAccepted(Cmd.Open(), Cmd.Deposit(25_00, reference: "invoice 7", id: "dep-7"))
            .When(Cmd.Deposit(25_00, reference: "invoice 7", id: "dep-7"));

        Assert.Equal(2, spec.ThenAlreadyAccepted().Sequence);
    }

    [Fact]
    public void Repeating_an_open_returns_already_accepted_instead_of_account_already_exists()
    {
        var open = Cmd.Open(id: "open-1");

        var original = new AccountSpec()
            .GivenAccepted(open, Cmd.Deposit(5_00))
            .When(open)
            .ThenAlreadyAccepted();

        Assert.Equal(1, original.Sequence);
        Assert.Equal(0, original.BalanceAfterCents);
        Assert.Equal(nameof(AccountOpened), original.EventType);
    }

    [Fact]
    public void Repeating_a_withdrawal_that_the_balance_no_longer_covers_is_still_recognised()
    {
        var withdraw = Cmd.Withdraw(10_00);

        var original = new AccountSpec()
            .GivenAccepted(Cmd.Open(), Cmd.Deposit(10_00), withdraw)
            .When(withdraw)
            .ThenAlreadyAccepted();

        Assert.Equal(0, original.BalanceAfterCents);
    }

    [Fact]
    public void Repeating_a_deposit_after_the_account_was_locked_is_still_recognised()
    {
        var deposit = Cmd.Deposit(10_00);

        new AccountSpec()
            .GivenAccepted(Cmd.Open(), deposit, Cmd.Lock())
            .When(deposit)
            .ThenAlreadyAccepted();
    }

    [Fact]
    public void Repeating_a_command_whose_expected_sequence_is_now_stale_is_still_recognised()
    {
        var deposit = Cmd.Deposit(10_00, expected: 1);

        var original = new AccountSpec()
            .GivenAccepted(Cmd.Open(), deposit, Cmd.Deposit(1_00))
            .When(deposit)
            .ThenAlreadyAccepted();

        Assert.Equal(2, original.Sequence);
    }

    [Fact]
    public void Repeating_a_lock_returns_already_accepted_instead_of_account_already_locked()
    {
        var lockAccount = Cmd.Lock();

        new AccountSpec()
            .GivenAccepted(Cmd.Open(), lockAccount)
            .When(lockAccount)
            .ThenAlreadyAccepted();
    }

    [Fact]
    public void A_repeated_command_is_recognised_after_the_state_is_rebuilt_from_its_events()
    {
        var deposit = Cmd.Deposit(10_00);
        var journal = new List<AccountEvent>();
        var live = AccountState.Initial(TestData.AccountId);
        foreach (var command in new AccountCommand[] { Cmd.Open(), deposit, Cmd.Deposit(3_00) })
        {
            var accepted = Assert.IsType<Accepted>(Account.Decide(live, command, TestData.Now));
            journal.Add(accepted.Event);
            live = Account.Evolve(live, accepted.Event);
        }

        var original = new AccountSpec()
            .Given([.. journal])
            .When(deposit)
            .ThenAlreadyAccepted();

        Assert.Equal(2, original.Sequence);
        Assert.Equal(10_00, original.BalanceAfterCents);
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("reference")]
    [InlineData("currency")]
    [InlineData("expected sequence")]
    [InlineData("created at")]
    [InlineData("command type")]
    public void Reusing_a_command_id_for_different_content_is_rejected_with_idempotency_key_reused(string difference)
    {
        var first = Cmd.Deposit(10_00, reference: "a", id: "reused-1");
        AccountCommand second = difference switch
        {
            "amount" => first with { AmountCents = 10_01 },
            "reference" => first with { Reference = "b" },
            "currency" => first with { Currency = TestData.Usd },
            "expected sequence" => first with { ExpectedSequence = 2 },
            "created at" => first with { CreatedAt = first.CreatedAt.AddSeconds(1) },
            "command type" => Cmd.Withdraw(10_00, reference: "a", id: "reused-1"),
            _ => throw new ArgumentOutOfRangeException(nameof(difference), difference, null),
        };

        var rejection = new AccountSpec()
            .GivenAccepted(Cmd.Open(), first)
            .When(second)
            .ThenRejected(RejectionCodes.IdempotencyKeyReused);

        Assert.Contains("reused-1", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reusing_the_open_command_id_for_a_deposit_is_rejected_with_idempotency_key_reused()
    {
        new AccountSpec()
            .GivenAccepted(Cmd.Open(id: "same"))
            .When(Cmd.Deposit(1_00, id: "same"))
            .ThenRejected(RejectionCodes.IdempotencyKeyReused);
    }

    [Fact]
    public void A_rejected_command_is_not_remembered_so_its_retry_is_decided_afresh()
    {
        var withdraw = Cmd.Withdraw(50_00, id: "retry-me");
        var spec = new AccountSpec().GivenAccepted(Cmd.Open());
        Assert.IsType<Rejected>(Account.Decide(spec.StateBefore, withdraw, TestData.Now));

        spec.GivenAccepted(Cmd.Deposit(50_00))
            .When(withdraw)
            .ThenEvent<FundsWithdrawn>();
    }
}
