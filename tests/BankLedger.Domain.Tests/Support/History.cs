namespace BankLedger.Domain.Tests.Support;

/// <summary>
/// Builders for past events (the "given" of a spec). Each gets its own command id, so the history never
/// collides with the command under test.
/// </summary>
internal static class History
{
    public static AccountOpened Opened(long overdraft = 0, string currency = "EUR", string? owner = "Ada Lovelace") =>
        Past(new AccountOpened { Currency = Currency.Parse(currency), OverdraftLimitCents = overdraft, Owner = owner });

    public static FundsDeposited Deposited(long amount, long balanceAfter, string currency = "EUR") =>
        Past(new FundsDeposited { AmountCents = amount, Currency = Currency.Parse(currency), BalanceAfterCents = balanceAfter });

    public static FundsWithdrawn Withdrawn(long amount, long balanceAfter, string currency = "EUR") =>
        Past(new FundsWithdrawn { AmountCents = amount, Currency = Currency.Parse(currency), BalanceAfterCents = balanceAfter });

    public static AccountLocked Locked(string? reason = "suspicious activity") => Past(new AccountLocked { Reason = reason });

    public static AccountUnlocked Unlocked(string? reason = "cleared") => Past(new AccountUnlocked { Reason = reason });

    private static T Past<T>(T @event) where T : AccountEvent
    {
        var commandId = TestData.NewCommandId();
        return @event with
        {
            AccountId = TestData.AccountId,
            CommandId = commandId,
            CommandFingerprint = new CommandFingerprint(0x61, (ulong)commandId.Value.GetHashCode()), // "given": never equal to a real command\'s
            OccurredAt = TestData.HistoryTime,
            ClientCreatedAt = TestData.HistoryTime,
        };
    }

    /// <summary>
    /// What the decider is specified to copy from a command onto its event: written out here independently of
    /// the production code, so a spec comparing whole events also pins the stamping.
    /// </summary>
    public static T CausedBy<T>(this T @event, AccountCommand command, DateTimeOffset now) where T : AccountEvent =>
        @event with
        {
            AccountId = command.AccountId,
            CommandId = command.CommandId,
            CommandFingerprint = command.Fingerprint,
            OccurredAt = now,
            ClientCreatedAt = command.CreatedAt,
        };

    /// <summary>A fingerprint no real command has (its high half is not from SHA-256), stable per command id.</summary>
    private static CommandFingerprint GivenFingerprint(CommandId commandId)
    {
        var hash = 14695981039346656037UL; // FNV-1a over the id: deterministic across runs, unlike string.GetHashCode
        foreach (var c in commandId.Value) hash = (hash ^ c) * 1099511628211UL;
        return new CommandFingerprint(0x61_76_65_6E, hash);
    }
}
