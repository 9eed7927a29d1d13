namespace BankLedger.Domain;

/// <summary>
/// A request to change one account. Every command carries the client's idempotency key, an optional
/// optimistic-concurrency guard, the client's own creation time (kept as a claim, never used for ordering)
/// and a fingerprint of its content, so a repeated key with different content can be told apart.
/// </summary>
public abstract record AccountCommand
{
    public required AccountId AccountId { get; init; }
    public required CommandId CommandId { get; init; }
    public long? ExpectedSequence { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The stable, wire-level command type name (e.g. <c>DEPOSIT_FUNDS</c>).</summary>
    public abstract string CommandType { get; }

    /// <summary>A digest of everything the client said; equal content gives an equal fingerprint.</summary>
    public CommandFingerprint Fingerprint => CommandFingerprint.Of(this);
}

public sealed record OpenAccount : AccountCommand
{
    public required Currency Currency { get; init; }
    public long OverdraftLimitCents { get; init; }
    public string? Owner { get; init; }
    public override string CommandType => "OPEN_ACCOUNT";
}

public sealed record DepositFunds : AccountCommand
{
    public required long AmountCents { get; init; }
    public required Currency Currency { get; init; }
    public string? Reference { get; init; }
    public override string CommandType => "DEPOSIT_FUNDS";
}

public sealed record WithdrawFunds : AccountCommand
{
    public required long AmountCents { get; init; }
    public required Currency Currency { get; init; }
    public string? Reference { get; init; }
    public override string CommandType => "WITHDRAW_FUNDS";
}

public sealed record LockAccount : AccountCommand
{
    public string? Reason { get; init; }
    public override string CommandType => "LOCK_ACCOUNT";
}

public sealed record UnlockAccount : AccountCommand
{
    public string? Reason { get; init; }
    public override string CommandType => "UNLOCK_ACCOUNT";
}
