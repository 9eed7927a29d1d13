namespace BankLedger.Api;

/// <summary>Body of a 200 answer to a command (also replayed verbatim for a repeated command id).</summary>
public sealed record CommandAcceptedResponse(
    string CommandId,
    string AggregateId,
    long Sequence,
    string EventType,
    long BalanceCents,
    DateTimeOffset OccurredAt,
    string ConsistencyToken);

/// <summary>Body of <c>GET /v1/queries/accounts/{id}/balance</c>.</summary>
public sealed record BalanceResponse(
    string AggregateId,
    long CurrentBalanceCents,
    string Currency,
    long LastUpdatedSequence,
    DateTimeOffset LastUpdatedAt,
    string Status);

public sealed record TransactionResponse(
    long Sequence,
    string EventType,
    long? AmountCents,
    string Currency,
    string? Reference,
    long BalanceAfterCents,
    string CommandId,
    DateTimeOffset OccurredAt,
    DateTimeOffset CreatedAt);

/// <summary>Body of <c>GET /v1/queries/accounts/{id}/transactions</c>: newest first; <c>next_cursor</c> null on the last page.</summary>
public sealed record TransactionsResponse(string AggregateId, IReadOnlyList<TransactionResponse> Items, string? NextCursor);
