using System.Text.Json.Serialization;

namespace BankLedger.Ledger.Serialization;

// Persisted forms, version 1. These records ARE the on-disk contract: never rename or retype a field;
// add optional fields only; for anything else add a V2 and keep reading V1 (golden samples in tests
// make a break fail the build). Kept separate from the domain records so refactoring the domain can
// never silently change what is stored.

internal sealed record AccountOpenedV1(
    string AccountId, string CommandId, string CommandFingerprint, DateTimeOffset OccurredAt, DateTimeOffset ClientCreatedAt,
    string Currency, long OverdraftLimitCents, string? Owner);

internal sealed record MoneyMovedV1(
    string AccountId, string CommandId, string CommandFingerprint, DateTimeOffset OccurredAt, DateTimeOffset ClientCreatedAt,
    long AmountCents, string Currency, string? Reference, long BalanceAfterCents);

internal sealed record StatusChangedV1(
    string AccountId, string CommandId, string CommandFingerprint, DateTimeOffset OccurredAt, DateTimeOffset ClientCreatedAt,
    string? Reason);

// Snapshots: read-only since V2.AccountSnapshot (now V3, SnapshotV3Format); stored V1 snapshots are still read.
internal sealed record ProcessedCommandV1(
    string CommandId, string Fingerprint, long Sequence, string EventType, long BalanceAfterCents, DateTimeOffset OccurredAt);

internal sealed record AccountSnapshotV1(
    string AccountId, long Sequence, string Status, string? Currency, long BalanceCents, long OverdraftLimitCents,
    string? Owner, DateTimeOffset? LastUpdatedAt, IReadOnlyList<ProcessedCommandV1> ProcessedCommands);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AccountOpenedV1))]
[JsonSerializable(typeof(MoneyMovedV1))]
[JsonSerializable(typeof(StatusChangedV1))]
[JsonSerializable(typeof(AccountSnapshotV1))]
internal sealed partial class V1JsonContext : JsonSerializerContext;
