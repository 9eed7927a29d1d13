using System.Text.Json.Serialization;

namespace BankLedger.ReadStore.Elasticsearch;

// The _source shapes. Field names are fixed by the explicit mappings (IndexDefinitions); every index is
// "dynamic": "strict", so a field added here without a mapping change fails loudly instead of being guessed.
// Times are stored as round-trip ISO-8601 strings ("O": 7 fractional digits and the original offset), so
// _source gives back the identical DateTimeOffset; the mapping indexes them as date_nanos/date for search.

/// <summary>One document per account in <c>{prefix}-accounts</c>; id = account id, external version = last_sequence.</summary>
internal sealed class AccountDocument
{
    [JsonPropertyName("account_id")] public string AccountId { get; set; } = "";
    [JsonPropertyName("currency")] public string Currency { get; set; } = "";
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("balance_cents")] public long BalanceCents { get; set; }
    [JsonPropertyName("overdraft_limit_cents")] public long OverdraftLimitCents { get; set; }
    [JsonPropertyName("owner")] public string? Owner { get; set; }
    [JsonPropertyName("last_sequence")] public long LastSequence { get; set; }
    [JsonPropertyName("opened_at")] public string OpenedAt { get; set; } = "";
    [JsonPropertyName("last_updated_at")] public string LastUpdatedAt { get; set; } = "";
}

/// <summary>
/// One document per event (all types, money or not) in <c>{prefix}-transactions</c>; id = <c>{account}:{sequence:D19}</c>,
/// external version = sequence.
/// </summary>
internal sealed class TransactionDocument
{
    [JsonPropertyName("account_id")] public string AccountId { get; set; } = "";
    [JsonPropertyName("sequence")] public long Sequence { get; set; }
    [JsonPropertyName("event_type")] public string EventType { get; set; } = "";
    [JsonPropertyName("amount_cents")] public long? AmountCents { get; set; }
    [JsonPropertyName("currency")] public string Currency { get; set; } = "";
    [JsonPropertyName("reference")] public string? Reference { get; set; }
    [JsonPropertyName("balance_after_cents")] public long BalanceAfterCents { get; set; }
    [JsonPropertyName("command_id")] public string CommandId { get; set; } = "";
    [JsonPropertyName("occurred_at")] public string OccurredAt { get; set; } = "";
    [JsonPropertyName("client_created_at")] public string ClientCreatedAt { get; set; } = "";
}

/// <summary>One document per projection in <c>{prefix}-checkpoints</c>; id = projection id, external version = offset.</summary>
internal sealed class CheckpointDocument
{
    [JsonPropertyName("projection_id")] public string ProjectionId { get; set; } = "";
    [JsonPropertyName("offset")] public long Offset { get; set; }
    [JsonPropertyName("updated_at")] public string UpdatedAt { get; set; } = "";
}
