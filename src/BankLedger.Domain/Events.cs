namespace BankLedger.Domain;

/// <summary>
/// An immutable fact about one account. Every event records the command that caused it (id and content
/// fingerprint, so idempotency survives restarts), the server time it was accepted (<see cref="OccurredAt"/>,
/// used for ordering and as-of queries) and the client's own claim of when it created the command.
/// </summary>
public abstract record AccountEvent
{
    // Not 'required': the decider fills these from the command in one place (Account.Stamp).
    public AccountId AccountId { get; init; }
    public CommandId CommandId { get; init; }
    public CommandFingerprint CommandFingerprint { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset ClientCreatedAt { get; init; }

    /// <summary>Stable, public event name (what the API reports as <c>event_type</c>).</summary>
    public abstract string EventType { get; }
}

public sealed record AccountOpened : AccountEvent
{
    public required Currency Currency { get; init; }
    public required long OverdraftLimitCents { get; init; }
    public string? Owner { get; init; }
    public override string EventType => nameof(AccountOpened);
}

/// <summary>Money event: the balance moved by <see cref="AmountCents"/> to <see cref="BalanceAfterCents"/>.</summary>
public abstract record MoneyMoved : AccountEvent
{
    public required long AmountCents { get; init; }
    public required Currency Currency { get; init; }
    public string? Reference { get; init; }
    public required long BalanceAfterCents { get; init; }

    /// <summary>The signed change to the balance: positive for deposits, negative for withdrawals.</summary>
    public abstract long SignedAmountCents { get; }
}

public sealed record FundsDeposited : MoneyMoved
{
    public override long SignedAmountCents => AmountCents;
    public override string EventType => nameof(FundsDeposited);
}

public sealed record FundsWithdrawn : MoneyMoved
{
    public override long SignedAmountCents => -AmountCents;
    public override string EventType => nameof(FundsWithdrawn);
}

public sealed record AccountLocked : AccountEvent
{
    public string? Reason { get; init; }
    public override string EventType => nameof(AccountLocked);
}

public sealed record AccountUnlocked : AccountEvent
{
    public string? Reason { get; init; }
    public override string EventType => nameof(AccountUnlocked);
}
