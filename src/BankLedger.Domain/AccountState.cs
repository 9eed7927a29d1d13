namespace BankLedger.Domain;

public enum AccountStatus
{
    /// <summary>No <see cref="AccountOpened"/> event yet: the account does not exist.</summary>
    None,
    Open,
    Locked,
}

/// <summary>
/// Everything the write side needs to decide the next command for one account. Immutable; only
/// <see cref="Account.Evolve"/> produces a new one. <see cref="Sequence"/> counts applied events and so
/// equals the journal sequence number of the last event.
/// </summary>
public sealed record AccountState
{
    public required AccountId AccountId { get; init; }
    public long Sequence { get; init; }
    public AccountStatus Status { get; init; }
    public Currency Currency { get; init; }
    public long BalanceCents { get; init; }
    public long OverdraftLimitCents { get; init; }
    public string? Owner { get; init; }
    public DateTimeOffset? LastUpdatedAt { get; init; }
    public ProcessedCommands Processed { get; init; } = ProcessedCommands.Empty;

    public bool Exists => Status != AccountStatus.None;

    public static AccountState Initial(AccountId id) => new() { AccountId = id };
}
