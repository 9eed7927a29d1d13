using BankLedger.Domain;

namespace BankLedger.Projections;

/// <summary>An event as the projection hands it to a read store: the account's journal sequence plus the fact.</summary>
public sealed record SequencedEvent(long Sequence, AccountEvent Event);

/// <summary>How far one projection (one partition tag) has fully processed the journal.</summary>
public sealed record ProjectionCheckpoint(string ProjectionId, long Offset);

/// <summary>
/// One unit of projection work: events to apply (for each account contiguous and in sequence order) and the
/// journal offsets the projections have then fully processed. A store applies both atomically, or states in its
/// docs why its checkpoints may lag its views (re-applying is harmless: views skip sequences they already hold).
/// </summary>
public sealed record ReadModelBatch(IReadOnlyList<ProjectionCheckpoint> Checkpoints, IReadOnlyList<SequencedEvent> Events)
{
    /// <summary>A batch that advances a single projection.</summary>
    public ReadModelBatch(string projectionId, long checkpointOffset, IReadOnlyList<SequencedEvent> events)
        : this([new ProjectionCheckpoint(projectionId, checkpointOffset)], events)
    {
    }
}

/// <summary>The query-side view of one account.</summary>
public sealed record AccountView(
    AccountId AccountId,
    Currency Currency,
    AccountStatus Status,
    long BalanceCents,
    long OverdraftLimitCents,
    string? Owner,
    long LastSequence,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastUpdatedAt);

/// <summary>One entry of an account's history. Money fields are null for non-money events (open, lock, unlock).</summary>
public sealed record TransactionView(
    AccountId AccountId,
    long Sequence,
    string EventType,
    long? AmountCents,
    Currency Currency,
    string? Reference,
    long BalanceAfterCents,
    CommandId CommandId,
    DateTimeOffset OccurredAt,
    DateTimeOffset ClientCreatedAt);

/// <summary>A page of history, newest first. <see cref="NextBeforeSequence"/> is null on the last page.</summary>
public sealed record TransactionPage(IReadOnlyList<TransactionView> Items, long? NextBeforeSequence);

/// <summary>
/// The read-side port. Adapters (SQLite, Elasticsearch) implement it and pass the shared contract suite.
/// Rules every adapter keeps:
/// <list type="bullet">
/// <item>Idempotent: an event whose sequence is not above the view's last sequence is ignored.</item>
/// <item>Never skips: an event more than one above the view's last sequence is a projection bug → <see cref="ReadModelGapException"/>, nothing applied.</item>
/// <item>A batch's views and its checkpoint become visible together.</item>
/// </list>
/// </summary>
public interface IReadStore
{
    /// <summary>Creates schema/indices if absent. Safe to call repeatedly.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The last offset stored for <paramref name="projectionId"/>, or 0 when the projection never ran.</summary>
    Task<long> LoadCheckpointAsync(string projectionId, CancellationToken cancellationToken);

    /// <summary>Last applied sequence per account; accounts without a view are absent from the result.</summary>
    Task<IReadOnlyDictionary<AccountId, long>> LoadLastSequencesAsync(IReadOnlyCollection<AccountId> accounts, CancellationToken cancellationToken);

    Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken);

    Task<AccountView?> GetAccountAsync(AccountId account, CancellationToken cancellationToken);

    /// <summary>History newest first; <paramref name="beforeSequence"/> (exclusive) continues a previous page.</summary>
    Task<TransactionPage> GetTransactionsAsync(AccountId account, int limit, long? beforeSequence, CancellationToken cancellationToken);
}

/// <summary>A batch would leave a hole in an account's history; the projection must repair it first.</summary>
public sealed class ReadModelGapException(AccountId account, long lastApplied, long offered)
    : Exception($"Account '{account}' has sequence {lastApplied} applied; {offered} would leave a gap.")
{
    public AccountId Account { get; } = account;
    public long LastApplied { get; } = lastApplied;
    public long Offered { get; } = offered;
}
