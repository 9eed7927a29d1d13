using BankLedger.Domain;

namespace BankLedger.Ledger.Tests.Support;

/// <summary>Builders for account commands with fixed client timestamps, so a re-sent command has the same fingerprint.</summary>
internal static class Commands
{
    public static readonly Currency Eur = Currency.Parse("EUR");
    public static readonly Currency Usd = Currency.Parse("USD");

    /// <summary>The client's claimed creation time; fixed so that re-sending a command reproduces its fingerprint.</summary>
    public static readonly DateTimeOffset ClientTime = new(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);

    public static OpenAccount Open(AccountId account, string commandId = "open-1", long overdraftCents = 0, Currency? currency = null) => new()
    {
        AccountId = account,
        CommandId = CommandId.Parse(commandId),
        CreatedAt = ClientTime,
        Currency = currency ?? Eur,
        OverdraftLimitCents = overdraftCents,
        Owner = "Ada Lovelace",
    };

    public static DepositFunds Deposit(AccountId account, string commandId, long amountCents, Currency? currency = null, string? reference = null) => new()
    {
        AccountId = account,
        CommandId = CommandId.Parse(commandId),
        CreatedAt = ClientTime,
        AmountCents = amountCents,
        Currency = currency ?? Eur,
        Reference = reference,
    };

    public static WithdrawFunds Withdraw(AccountId account, string commandId, long amountCents, Currency? currency = null) => new()
    {
        AccountId = account,
        CommandId = CommandId.Parse(commandId),
        CreatedAt = ClientTime,
        AmountCents = amountCents,
        Currency = currency ?? Eur,
    };

    public static LockAccount Lock(AccountId account, string commandId, string? reason = "fraud check") => new()
    {
        AccountId = account,
        CommandId = CommandId.Parse(commandId),
        CreatedAt = ClientTime,
        Reason = reason,
    };

    public static UnlockAccount Unlock(AccountId account, string commandId, string? reason = "cleared") => new()
    {
        AccountId = account,
        CommandId = CommandId.Parse(commandId),
        CreatedAt = ClientTime,
        Reason = reason,
    };

    /// <summary>A fresh account id per test, so tests never see each other's events even on a shared file.</summary>
    public static AccountId NewAccount(string prefix = "acc") => AccountId.Parse($"{prefix}-{Guid.NewGuid():N}");
}
