namespace BankLedger.Domain.Tests;

public sealed class ExpectedSequenceSpecs
{
    public static TheoryData<string> CommandKinds => ["deposit", "withdraw", "lock", "unlock"];

    /// <summary>A history of three events (sequence 3) in which the given kind of command is valid.</summary>
    private static AccountEvent[] HistoryWhereValid(string kind) => kind == "unlock"
        ? [History.Opened(), History.Deposited(100_00, balanceAfter: 100_00), History.Locked()]
        : [History.Opened(), History.Deposited(100_00, balanceAfter: 100_00), History.Deposited(1_00, balanceAfter: 101_00)];

    private static AccountCommand Command(string kind, long? expected) => kind switch
    {
        "deposit" => Cmd.Deposit(10_00, expected: expected),
        "withdraw" => Cmd.Withdraw(10_00, expected: expected),
        "lock" => Cmd.Lock(expected: expected),
        "unlock" => Cmd.Unlock(expected: expected),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void A_command_expecting_the_current_sequence_is_accepted(string kind)
    {
        var spec = new AccountSpec().Given(HistoryWhereValid(kind)).When(Command(kind, expected: 3));

        spec.ThenAccepted();
        Assert.Equal(4, spec.ThenState().Sequence);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void A_command_expecting_an_older_sequence_is_rejected_with_sequence_conflict(string kind)
    {
        new AccountSpec()
            .Given(HistoryWhereValid(kind))
            .When(Command(kind, expected: 2))
            .ThenRejected(RejectionCodes.SequenceConflict);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void A_command_expecting_a_future_sequence_is_rejected_with_sequence_conflict(string kind)
    {
        new AccountSpec()
            .Given(HistoryWhereValid(kind))
            .When(Command(kind, expected: 4))
            .ThenRejected(RejectionCodes.SequenceConflict);
    }

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void A_command_without_an_expected_sequence_skips_the_check(string kind)
    {
        new AccountSpec().Given(HistoryWhereValid(kind)).When(Command(kind, expected: null)).ThenAccepted();
    }

    [Fact]
    public void Sequence_conflict_tells_the_expected_and_the_actual_sequence()
    {
        var rejection = new AccountSpec()
            .Given(History.Opened(), History.Deposited(1_00, balanceAfter: 1_00))
            .When(Cmd.Deposit(1_00, expected: 17))
            .ThenRejected(RejectionCodes.SequenceConflict);

        Assert.Contains("17", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("2", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_with_expected_sequence_zero_is_accepted()
    {
        new AccountSpec().When(Cmd.Open(expected: 0)).ThenEvent<AccountOpened>();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(-1)]
    public void Opening_with_a_non_zero_expected_sequence_is_rejected_with_sequence_conflict(long expected)
    {
        new AccountSpec().When(Cmd.Open(expected: expected)).ThenRejected(RejectionCodes.SequenceConflict);
    }

    [Fact]
    public void Opening_an_existing_account_at_its_current_sequence_is_still_rejected_with_account_already_exists()
    {
        new AccountSpec()
            .Given(History.Opened())
            .When(Cmd.Open(expected: 1))
            .ThenRejected(RejectionCodes.AccountAlreadyExists);
    }

    [Fact]
    public void A_command_on_an_unknown_account_is_rejected_with_account_not_found_whatever_it_expects()
    {
        new AccountSpec().When(Cmd.Deposit(1_00, expected: 3)).ThenRejected(RejectionCodes.AccountNotFound);
    }
}
