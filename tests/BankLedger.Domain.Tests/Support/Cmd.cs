namespace BankLedger.Domain.Tests.Support;

/// <summary>Builders for valid commands on <see cref="TestData.AccountId"/>; every argument has a sensible default.</summary>
internal static class Cmd
{
    public static OpenAccount Open(
        long overdraft = 0, string currency = "EUR", string? owner = "Ada Lovelace", string? id = null, long? expected = null) =>
        new()
        {
            AccountId = TestData.AccountId,
            CommandId = TestData.IdOrNew(id),
            ExpectedSequence = expected,
            CreatedAt = TestData.ClientTime,
            Currency = Currency.Parse(currency),
            OverdraftLimitCents = overdraft,
            Owner = owner,
        };

    public static DepositFunds Deposit(
        long amount, string currency = "EUR", string? reference = null, string? id = null, long? expected = null) =>
        new()
        {
            AccountId = TestData.AccountId,
            CommandId = TestData.IdOrNew(id),
            ExpectedSequence = expected,
            CreatedAt = TestData.ClientTime,
            AmountCents = amount,
            Currency = Currency.Parse(currency),
            Reference = reference,
        };

    public static WithdrawFunds Withdraw(
        long amount, string currency = "EUR", string? reference = null, string? id = null, long? expected = null) =>
        new()
        {
            AccountId = TestData.AccountId,
            CommandId = TestData.IdOrNew(id),
            ExpectedSequence = expected,
            CreatedAt = TestData.ClientTime,
            AmountCents = amount,
            Currency = Currency.Parse(currency),
            Reference = reference,
        };

    public static LockAccount Lock(string? reason = "suspicious activity", string? id = null, long? expected = null) =>
        new()
        {
            AccountId = TestData.AccountId,
            CommandId = TestData.IdOrNew(id),
            ExpectedSequence = expected,
            CreatedAt = TestData.ClientTime,
            Reason = reason,
        };

    public static UnlockAccount Unlock(string? reason = "cleared", string? id = null, long? expected = null) =>
        new()
        {
            AccountId = TestData.AccountId,
            CommandId = TestData.IdOrNew(id),
            ExpectedSequence = expected,
            CreatedAt = TestData.ClientTime,
            Reason = reason,
        };
}
