using BankLedger.Domain;
using BankLedger.Ledger.Serialization;

namespace BankLedger.Ledger.Tests.Serialization;

/// <summary>
/// The domain values behind the checked-in files in <c>Golden/</c>, one per persisted manifest. Hard-coded on
/// purpose: the files are what the serializer wrote when the manifest was introduced, and these values are what
/// reading them must keep producing. Never edit a value or a file to make a test pass; a failing golden test means
/// the stored format changed.
/// </summary>
internal static class GoldenSamples
{
    private static readonly AccountId Account = AccountId.Parse("acc-golden-01");
    private static readonly Currency Eur = Currency.Parse("EUR");
    private const string Owner = "Ada Lovelace";

    // Sub-millisecond ticks and a non-UTC client offset, so precision and offsets are part of the contract.
    private static readonly DateTimeOffset ClientCreatedAt = new DateTimeOffset(2025, 1, 15, 10, 59, 58, TimeSpan.FromHours(2)).AddTicks(1_234_567);

    private static DateTimeOffset At(int minute) => new DateTimeOffset(2025, 1, 15, 9, minute, 0, TimeSpan.Zero).AddTicks(7_654_321);

    public static readonly AccountOpened Opened = new()
    {
        AccountId = Account,
        CommandId = CommandId.Parse("cmd-open-1"),
        CommandFingerprint = CommandFingerprint.Parse("0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        OccurredAt = At(1),
        ClientCreatedAt = ClientCreatedAt,
        Currency = Eur,
        OverdraftLimitCents = 50_000,
        Owner = Owner,
    };

    public static readonly FundsDeposited Deposited = new()
    {
        AccountId = Account,
        CommandId = CommandId.Parse("cmd-dep-1"),
        CommandFingerprint = CommandFingerprint.Parse("11112222333344445555666677778888"),
        OccurredAt = At(2),
        ClientCreatedAt = ClientCreatedAt,
        AmountCents = 1_234_567,
        Currency = Eur,
        Reference = "salary 2025-01",
        BalanceAfterCents = 1_234_567,
    };

    public static readonly FundsWithdrawn Withdrawn = new()
    {
        AccountId = Account,
        CommandId = CommandId.Parse("cmd-wd-1"),
        CommandFingerprint = CommandFingerprint.Parse("99990000aaaabbbbccccddddeeeeffff"),
        OccurredAt = At(3),
        ClientCreatedAt = ClientCreatedAt,
        AmountCents = 1_284_567,
        Currency = Eur,
        Reference = null,
        BalanceAfterCents = -50_000,
    };

    public static readonly AccountLocked Locked = new()
    {
        AccountId = Account,
        CommandId = CommandId.Parse("cmd-lock-1"),
        CommandFingerprint = CommandFingerprint.Parse("0123456789abcdef0123456789abcdef"),
        OccurredAt = At(4),
        ClientCreatedAt = ClientCreatedAt,
        Reason = "fraud check",
    };

    public static readonly AccountUnlocked Unlocked = new()
    {
        AccountId = Account,
        CommandId = CommandId.Parse("cmd-unlock-1"),
        CommandFingerprint = CommandFingerprint.Parse("fedcba9876543210fedcba9876543210"),
        OccurredAt = At(5),
        ClientCreatedAt = ClientCreatedAt,
        Reason = null,
    };

    /// <summary>
    /// The state after opened, deposited, withdrawn and locked: a locked, overdrawn account. Behind all snapshot
    /// files: <c>V1.AccountSnapshot.json</c> (what V1 wrote), <c>V2.AccountSnapshot.bin</c> (what V2 wrote) and
    /// <c>V3.AccountSnapshot.bin</c> (what V3 writes; made from the layout's description by a separate program,
    /// not by the serializer, so the writer is checked against the documentation too).
    /// </summary>
    public static readonly AccountState Snapshot = new()
    {
        AccountId = Account,
        Sequence = 4,
        Status = AccountStatus.Locked,
        Currency = Eur,
        BalanceCents = -50_000,
        OverdraftLimitCents = 50_000,
        Owner = Owner,
        LastUpdatedAt = At(4),
        Processed = ProcessedCommands.FromOldestFirst(
        [
            new(CommandId.Parse("cmd-open-1"), CommandFingerprint.Parse("0f1e2d3c4b5a69788796a5b4c3d2e1f0"), 1, "AccountOpened", 0, At(1)),
            new(CommandId.Parse("cmd-dep-1"), CommandFingerprint.Parse("11112222333344445555666677778888"), 2, "FundsDeposited", 1_234_567, At(2)),
            new(CommandId.Parse("cmd-wd-1"), CommandFingerprint.Parse("99990000aaaabbbbccccddddeeeeffff"), 3, "FundsWithdrawn", -50_000, At(3)),
            new(CommandId.Parse("cmd-lock-1"), CommandFingerprint.Parse("0123456789abcdef0123456789abcdef"), 4, "AccountLocked", -50_000, At(4)),
        ]),
    };

    /// <summary>Manifest → the value its golden file holds.</summary>
    public static readonly IReadOnlyDictionary<string, object> ByManifest = new Dictionary<string, object>
    {
        [LedgerSerializer.AccountOpenedManifest] = Opened,
        [LedgerSerializer.FundsDepositedManifest] = Deposited,
        [LedgerSerializer.FundsWithdrawnManifest] = Withdrawn,
        [LedgerSerializer.AccountLockedManifest] = Locked,
        [LedgerSerializer.AccountUnlockedManifest] = Unlocked,
        [LedgerSerializer.AccountSnapshotV1Manifest] = Snapshot,
        [LedgerSerializer.AccountSnapshotV2Manifest] = Snapshot,
        [LedgerSerializer.AccountSnapshotManifest] = Snapshot,
    };

    /// <summary>Manifests still read (stored data) but no longer written: nothing serializes to them today.</summary>
    public static readonly IReadOnlySet<string> ReadOnly = new HashSet<string>
    {
        LedgerSerializer.AccountSnapshotV1Manifest, LedgerSerializer.AccountSnapshotV2Manifest,
    };

    /// <summary>Manifests with a binary layout (golden file <c>.bin</c>); all others are JSON (<c>.json</c>).</summary>
    public static readonly IReadOnlySet<string> Binary = new HashSet<string>
    {
        LedgerSerializer.AccountSnapshotV2Manifest, LedgerSerializer.AccountSnapshotManifest,
    };

    public static string FilePath(string manifest) =>
        Path.Combine(AppContext.BaseDirectory, "Golden", manifest + (Binary.Contains(manifest) ? ".bin" : ".json"));
}
