using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using BankLedger.Domain;

namespace BankLedger.Ledger.Serialization;

/// <summary>
/// Serializer for everything the ledger persists, under stable, versioned manifests (<c>V1.FundsDeposited</c>),
/// never CLR type names — so types can be renamed or moved without orphaning stored data. Events are UTF-8 JSON,
/// which keeps the journal inspectable with plain SQL. Snapshots are compact binary (<see cref="SnapshotV3Format"/>)
/// because recovery reads a whole idempotency window at once; older snapshots (V2 binary, V1 JSON) are still read,
/// never written.
/// </summary>
public sealed class LedgerSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Registered id; part of every stored row, so it never changes.</summary>
    public const int SerializerId = 7420;

    public const string AccountOpenedManifest = "V1.AccountOpened";
    public const string FundsDepositedManifest = "V1.FundsDeposited";
    public const string FundsWithdrawnManifest = "V1.FundsWithdrawn";
    public const string AccountLockedManifest = "V1.AccountLocked";
    public const string AccountUnlockedManifest = "V1.AccountUnlocked";
    /// <summary>What snapshots are written as.</summary>
    public const string AccountSnapshotManifest = "V3.AccountSnapshot";
    /// <summary>Binary snapshots written before V3: read forever (they are stored data), written no more.</summary>
    public const string AccountSnapshotV2Manifest = "V2.AccountSnapshot";
    /// <summary>JSON snapshots written before V2: read forever (they are stored data), written no more.</summary>
    public const string AccountSnapshotV1Manifest = "V1.AccountSnapshot";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        AccountOpened => AccountOpenedManifest,
        FundsDeposited => FundsDepositedManifest,
        FundsWithdrawn => FundsWithdrawnManifest,
        AccountLocked => AccountLockedManifest,
        AccountUnlocked => AccountUnlockedManifest,
        AccountState => AccountSnapshotManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a ledger message", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        AccountOpened e => Write(new AccountOpenedV1(e.AccountId.Value, e.CommandId.Value, e.CommandFingerprint.ToString(), e.OccurredAt,
            e.ClientCreatedAt, e.Currency.Code, e.OverdraftLimitCents, e.Owner), V1JsonContext.Default.AccountOpenedV1),
        MoneyMoved e => Write(new MoneyMovedV1(e.AccountId.Value, e.CommandId.Value, e.CommandFingerprint.ToString(), e.OccurredAt,
            e.ClientCreatedAt, e.AmountCents, e.Currency.Code, e.Reference, e.BalanceAfterCents), V1JsonContext.Default.MoneyMovedV1),
        AccountLocked e => Write(new StatusChangedV1(e.AccountId.Value, e.CommandId.Value, e.CommandFingerprint.ToString(), e.OccurredAt,
            e.ClientCreatedAt, e.Reason), V1JsonContext.Default.StatusChangedV1),
        AccountUnlocked e => Write(new StatusChangedV1(e.AccountId.Value, e.CommandId.Value, e.CommandFingerprint.ToString(), e.OccurredAt,
            e.ClientCreatedAt, e.Reason), V1JsonContext.Default.StatusChangedV1),
        AccountState s => SnapshotV3Format.Write(s),
        _ => throw new ArgumentException($"{obj.GetType()} is not a ledger message", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        AccountOpenedManifest => FromV1(Read(bytes, V1JsonContext.Default.AccountOpenedV1)),
        FundsDepositedManifest => FromV1(Read(bytes, V1JsonContext.Default.MoneyMovedV1), deposit: true),
        FundsWithdrawnManifest => FromV1(Read(bytes, V1JsonContext.Default.MoneyMovedV1), deposit: false),
        AccountLockedManifest => FromV1(Read(bytes, V1JsonContext.Default.StatusChangedV1), locked: true),
        AccountUnlockedManifest => FromV1(Read(bytes, V1JsonContext.Default.StatusChangedV1), locked: false),
        AccountSnapshotManifest => SnapshotV3Format.Read(bytes),
        AccountSnapshotV2Manifest => SnapshotV2Format.Read(bytes),
        AccountSnapshotV1Manifest => FromV1(Read(bytes, V1JsonContext.Default.AccountSnapshotV1)),
        _ => throw new SerializationException($"Unknown ledger manifest '{manifest}'."),
    };

    private static byte[] Write<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    private static T Read<T>(byte[] bytes, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(bytes, type) ?? throw new SerializationException($"Empty {typeof(T).Name} payload.");

    private static AccountOpened FromV1(AccountOpenedV1 v) => new()
    {
        AccountId = AccountId.Parse(v.AccountId),
        CommandId = CommandId.Parse(v.CommandId),
        CommandFingerprint = CommandFingerprint.Parse(v.CommandFingerprint),
        OccurredAt = v.OccurredAt,
        ClientCreatedAt = v.ClientCreatedAt,
        Currency = Currency.Parse(v.Currency),
        OverdraftLimitCents = v.OverdraftLimitCents,
        Owner = v.Owner,
    };

    private static MoneyMoved FromV1(MoneyMovedV1 v, bool deposit) => deposit
        ? new FundsDeposited
        {
            AccountId = AccountId.Parse(v.AccountId), CommandId = CommandId.Parse(v.CommandId), CommandFingerprint = CommandFingerprint.Parse(v.CommandFingerprint),
            OccurredAt = v.OccurredAt, ClientCreatedAt = v.ClientCreatedAt,
            AmountCents = v.AmountCents, Currency = Currency.Parse(v.Currency), Reference = v.Reference, BalanceAfterCents = v.BalanceAfterCents,
        }
        : new FundsWithdrawn
        {
            AccountId = AccountId.Parse(v.AccountId), CommandId = CommandId.Parse(v.CommandId), CommandFingerprint = CommandFingerprint.Parse(v.CommandFingerprint),
            OccurredAt = v.OccurredAt, ClientCreatedAt = v.ClientCreatedAt,
            AmountCents = v.AmountCents, Currency = Currency.Parse(v.Currency), Reference = v.Reference, BalanceAfterCents = v.BalanceAfterCents,
        };

    private static AccountEvent FromV1(StatusChangedV1 v, bool locked) => locked
        ? new AccountLocked
        {
            AccountId = AccountId.Parse(v.AccountId), CommandId = CommandId.Parse(v.CommandId), CommandFingerprint = CommandFingerprint.Parse(v.CommandFingerprint),
            OccurredAt = v.OccurredAt, ClientCreatedAt = v.ClientCreatedAt, Reason = v.Reason,
        }
        : new AccountUnlocked
        {
            AccountId = AccountId.Parse(v.AccountId), CommandId = CommandId.Parse(v.CommandId), CommandFingerprint = CommandFingerprint.Parse(v.CommandFingerprint),
            OccurredAt = v.OccurredAt, ClientCreatedAt = v.ClientCreatedAt, Reason = v.Reason,
        };

    // The V1 snapshot's status names, spelled out rather than Enum.Parse so renaming an enum member cannot break reading.
    private static AccountStatus StatusOf(string name) => name switch
    {
        "none" => AccountStatus.None,
        "open" => AccountStatus.Open,
        "locked" => AccountStatus.Locked,
        _ => throw new SerializationException($"Unknown account status '{name}' in snapshot."),
    };

    private static AccountState FromV1(AccountSnapshotV1 v) => new()
    {
        AccountId = AccountId.Parse(v.AccountId),
        Sequence = v.Sequence,
        Status = StatusOf(v.Status),
        Currency = v.Currency is null ? default : Currency.Parse(v.Currency),
        BalanceCents = v.BalanceCents,
        OverdraftLimitCents = v.OverdraftLimitCents,
        Owner = v.Owner,
        LastUpdatedAt = v.LastUpdatedAt,
        Processed = ProcessedCommands.FromOldestFirst(v.ProcessedCommands.Select(p =>
            new ProcessedCommand(CommandId.Parse(p.CommandId), CommandFingerprint.Parse(p.Fingerprint), p.Sequence, p.EventType, p.BalanceAfterCents, p.OccurredAt))),
    };
}
