using System.Reflection;
using System.Text.Json.Nodes;
using BankLedger.Domain;
using BankLedger.Ledger.Serialization;
using BankLedger.Ledger.Tests.Support;

namespace BankLedger.Ledger.Tests.Serialization;

/// <summary>
/// The checked-in files in <c>Golden/</c> are bytes the serializer wrote, one per manifest: <c>.json</c> for the
/// JSON manifests, <c>.bin</c> for binary ones. Stored journals hold such bytes forever, so every file must keep
/// deserializing to exactly these values — including manifests that are only read today (V1 snapshots).
/// </summary>
public sealed class GoldenSampleSpecs(SerializerFixture fixture) : IClassFixture<SerializerFixture>
{
    private static readonly DateTimeOffset ClientCreatedAt = DateTimeOffset.Parse("2025-01-15T10:59:58.1234567+02:00", System.Globalization.CultureInfo.InvariantCulture);

    private readonly LedgerSerializer _serializer = fixture.Serializer;

    public static TheoryData<string> Manifests => [.. GoldenSamples.ByManifest.Keys];

    public static TheoryData<string> WrittenManifests => [.. GoldenSamples.ByManifest.Keys.Where(m => !GoldenSamples.ReadOnly.Contains(m))];

    private T ReadGolden<T>(string manifest) =>
        Assert.IsType<T>(_serializer.FromBinary(File.ReadAllBytes(GoldenSamples.FilePath(manifest)), manifest));

    private static DateTimeOffset At(string minute) =>
        DateTimeOffset.Parse($"2025-01-15T09:{minute}:00.7654321+00:00", System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertCommon(AccountEvent e, string commandId, string fingerprint, string occurredMinute)
    {
        Assert.Equal("acc-golden-01", e.AccountId.Value);
        Assert.Equal(commandId, e.CommandId.Value);
        Assert.Equal(fingerprint, e.CommandFingerprint.ToString());
        Assert.Equal(At(occurredMinute), e.OccurredAt);
        Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
        Assert.Equal(ClientCreatedAt, e.ClientCreatedAt);
        Assert.Equal(TimeSpan.FromHours(2), e.ClientCreatedAt.Offset);
    }

    [Fact]
    public void The_golden_AccountOpened_sample_reads_as_the_account_it_recorded()
    {
        var e = ReadGolden<AccountOpened>("V1.AccountOpened");
        AssertCommon(e, "cmd-open-1", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "01");
        Assert.Equal("EUR", e.Currency.Code);
        Assert.Equal(50_000, e.OverdraftLimitCents);
        Assert.Equal("Ada Lovelace", e.Owner);
    }

    [Fact]
    public void The_golden_FundsDeposited_sample_reads_as_the_deposit_it_recorded()
    {
        var e = ReadGolden<FundsDeposited>("V1.FundsDeposited");
        AssertCommon(e, "cmd-dep-1", "11112222333344445555666677778888", "02");
        Assert.Equal(1_234_567, e.AmountCents);
        Assert.Equal("EUR", e.Currency.Code);
        Assert.Equal("salary 2025-01", e.Reference);
        Assert.Equal(1_234_567, e.BalanceAfterCents);
    }

    [Fact]
    public void The_golden_FundsWithdrawn_sample_reads_as_the_withdrawal_it_recorded()
    {
        var e = ReadGolden<FundsWithdrawn>("V1.FundsWithdrawn");
        AssertCommon(e, "cmd-wd-1", "99990000aaaabbbbccccddddeeeeffff", "03");
        Assert.Equal(1_284_567, e.AmountCents);
        Assert.Equal("EUR", e.Currency.Code);
        Assert.Null(e.Reference);
        Assert.Equal(-50_000, e.BalanceAfterCents);
    }

    [Fact]
    public void The_golden_AccountLocked_sample_reads_as_the_lock_it_recorded()
    {
        var e = ReadGolden<AccountLocked>("V1.AccountLocked");
        AssertCommon(e, "cmd-lock-1", "0123456789abcdef0123456789abcdef", "04");
        Assert.Equal("fraud check", e.Reason);
    }

    [Fact]
    public void The_golden_AccountUnlocked_sample_reads_as_the_unlock_it_recorded()
    {
        var e = ReadGolden<AccountUnlocked>("V1.AccountUnlocked");
        AssertCommon(e, "cmd-unlock-1", "fedcba9876543210fedcba9876543210", "05");
        Assert.Null(e.Reason);
    }

    [Theory]
    [InlineData("V1.AccountSnapshot")]
    [InlineData("V2.AccountSnapshot")]
    [InlineData("V3.AccountSnapshot")]
    public void The_golden_AccountSnapshot_samples_read_as_the_state_and_idempotency_window_they_recorded(string manifest)
    {
        var s = ReadGolden<AccountState>(manifest);
        Assert.Equal("acc-golden-01", s.AccountId.Value);
        Assert.Equal(4, s.Sequence);
        Assert.Equal(AccountStatus.Locked, s.Status);
        Assert.Equal("EUR", s.Currency.Code);
        Assert.Equal(-50_000, s.BalanceCents);
        Assert.Equal(50_000, s.OverdraftLimitCents);
        Assert.Equal("Ada Lovelace", s.Owner);
        Assert.Equal(At("04"), s.LastUpdatedAt);
        Assert.Equal(
        [
            new ProcessedCommand(CommandId.Parse("cmd-open-1"), CommandFingerprint.Parse("0f1e2d3c4b5a69788796a5b4c3d2e1f0"), 1, "AccountOpened", 0, At("01")),
            new ProcessedCommand(CommandId.Parse("cmd-dep-1"), CommandFingerprint.Parse("11112222333344445555666677778888"), 2, "FundsDeposited", 1_234_567, At("02")),
            new ProcessedCommand(CommandId.Parse("cmd-wd-1"), CommandFingerprint.Parse("99990000aaaabbbbccccddddeeeeffff"), 3, "FundsWithdrawn", -50_000, At("03")),
            new ProcessedCommand(CommandId.Parse("cmd-lock-1"), CommandFingerprint.Parse("0123456789abcdef0123456789abcdef"), 4, "AccountLocked", -50_000, At("04")),
        ], s.Processed.OldestFirst);
        Assert.Equal(4, s.Processed.Count);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Each_golden_sample_reads_as_the_value_it_was_written_from(string manifest)
    {
        var read = _serializer.FromBinary(File.ReadAllBytes(GoldenSamples.FilePath(manifest)), manifest);
        AssertSameValue(GoldenSamples.ByManifest[manifest], read);
    }

    /// <summary>
    /// The write direction, for every manifest still written (a read-only manifest has no write direction).
    /// JSON: byte equality with the golden file is deliberately NOT required: V1 may gain optional fields (see
    /// V1Contracts.cs), which changes the bytes without breaking old data, and a test that forced regenerating
    /// the golden files would throw away exactly the old samples they exist to keep. Required instead: every
    /// field of the golden file is still written under the same name with the same JSON value — a renamed,
    /// retyped or reformatted field fails here.
    /// Binary: byte equality IS required. A binary layout has no field names, so it cannot gain an optional
    /// field the way JSON does; any change to the bytes is a new layout, which is a new manifest (V4), never an
    /// edit of this one (see SnapshotV3Format.cs).
    /// Both: the new bytes read back to the same value.
    /// </summary>
    [Theory]
    [MemberData(nameof(WrittenManifests))]
    public void Serializing_a_golden_value_today_still_writes_the_golden_sample_and_reads_back_equal(string manifest)
    {
        var value = GoldenSamples.ByManifest[manifest];
        Assert.Equal(manifest, _serializer.Manifest(value));
        var written = _serializer.ToBinary(value);

        var golden = File.ReadAllBytes(GoldenSamples.FilePath(manifest));
        if (GoldenSamples.Binary.Contains(manifest)) Assert.Equal(golden, written);
        else AssertContains(JsonNode.Parse(golden)!, JsonNode.Parse(written)!, "$");

        AssertSameValue(value, _serializer.FromBinary(written, manifest));
    }

    [Fact]
    public void A_read_only_manifest_is_no_longer_written()
    {
        Assert.All(GoldenSamples.ReadOnly, manifest =>
            Assert.NotEqual(manifest, _serializer.Manifest(GoldenSamples.ByManifest[manifest])));
        Assert.Equal("V3.AccountSnapshot", _serializer.Manifest(GoldenSamples.ByManifest["V1.AccountSnapshot"]));
    }

    /// <summary>
    /// The node writes V3 now, but V2's writer is kept so tests can make full-size V2 snapshots to read (the
    /// golden file holds four entries). It must still write exactly what V2 wrote, or those tests would prove
    /// reading something no store holds.
    /// </summary>
    [Fact]
    public void The_V2_writer_kept_for_tests_still_writes_the_golden_V2_sample()
    {
        Assert.Equal(File.ReadAllBytes(GoldenSamples.FilePath("V2.AccountSnapshot")), SnapshotV2Format.Write(GoldenSamples.Snapshot));
    }

    [Fact]
    public void Every_manifest_the_serializer_declares_has_a_golden_sample()
    {
        var declared = typeof(LedgerSerializer)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Manifest", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order();
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"))
            .Where(f => Path.GetExtension(f) is ".json" or ".bin")
            .ToList();

        // One file per manifest (never both a .json and a .bin), under the extension its layout says.
        Assert.Equal(declared, files.Select(Path.GetFileNameWithoutExtension).Order());
        Assert.Equal(declared, GoldenSamples.ByManifest.Keys.Order());
        Assert.All(declared, manifest => Assert.True(File.Exists(GoldenSamples.FilePath(manifest)), $"{GoldenSamples.FilePath(manifest)} is missing"));
    }

    private static void AssertSameValue(object expected, object actual)
    {
        if (expected is AccountState state) StateAssert.Equal(state, Assert.IsType<AccountState>(actual));
        else Assert.Equal(expected, actual);
    }

    /// <summary>Every property and array element of <paramref name="golden"/> is present in <paramref name="current"/> with an equal value.</summary>
    private static void AssertContains(JsonNode? golden, JsonNode? current, string path)
    {
        switch (golden)
        {
            case JsonObject goldenObject:
                var currentObject = Assert.IsType<JsonObject>(current);
                foreach (var (name, goldenValue) in goldenObject)
                {
                    Assert.True(currentObject.ContainsKey(name), $"{path}.{name} is no longer written");
                    AssertContains(goldenValue, currentObject[name], $"{path}.{name}");
                }
                break;
            case JsonArray goldenArray:
                var currentArray = Assert.IsType<JsonArray>(current);
                Assert.Equal(goldenArray.Count, currentArray.Count);
                for (var i = 0; i < goldenArray.Count; i++) AssertContains(goldenArray[i], currentArray[i], $"{path}[{i}]");
                break;
            default:
                Assert.True(JsonNode.DeepEquals(golden, current), $"{path}: golden {golden?.ToJsonString() ?? "null"}, now {current?.ToJsonString() ?? "null"}");
                break;
        }
    }
}
