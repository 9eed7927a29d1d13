using System.Runtime.Serialization;
using BankLedger.Domain;
using BankLedger.Ledger.Serialization;
using BankLedger.Ledger.Tests.Support;

namespace BankLedger.Ledger.Tests.Serialization;

public sealed class LedgerSerializerSpecs(SerializerFixture fixture) : IClassFixture<SerializerFixture>
{
    private readonly LedgerSerializer _serializer = fixture.Serializer;

    public static TheoryData<AccountEvent> Events =>
    [
        GoldenSamples.Opened,
        GoldenSamples.Opened with { Owner = null, OverdraftLimitCents = 0 },
        GoldenSamples.Deposited,
        GoldenSamples.Deposited with { Reference = "Zoë's café ☕ \"quoted\" \\ \n" },
        GoldenSamples.Withdrawn,
        GoldenSamples.Withdrawn with { AmountCents = MoneyRules.MaxAmountCents, BalanceAfterCents = long.MinValue },
        GoldenSamples.Locked,
        GoldenSamples.Locked with { Reason = null },
        GoldenSamples.Unlocked,
        GoldenSamples.Unlocked with { Reason = "cleared by support" },
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_type_round_trips_to_an_equal_event(AccountEvent @event)
    {
        var manifest = _serializer.Manifest(@event);
        var back = _serializer.FromBinary(_serializer.ToBinary(@event), manifest);

        Assert.Equal(@event, back);
        var typed = Assert.IsAssignableFrom<AccountEvent>(back);
        // Record equality compares instants; the offsets are kept as well.
        Assert.Equal(@event.OccurredAt.Offset, typed.OccurredAt.Offset);
        Assert.Equal(@event.ClientCreatedAt.Offset, typed.ClientCreatedAt.Offset);
    }

    [Fact]
    public void A_snapshot_with_a_non_empty_idempotency_window_round_trips_to_an_equal_state()
    {
        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(GoldenSamples.Snapshot), "V2.AccountSnapshot"));

        StateAssert.Equal(GoldenSamples.Snapshot, back);
        Assert.Equal(4, back.Processed.Count);
        Assert.NotNull(back.Processed.Find(CommandId.Parse("cmd-dep-1")));
    }

    [Fact]
    public void A_snapshot_of_an_account_replayed_from_events_round_trips_to_an_equal_state()
    {
        var account = AccountId.Parse("acc-replayed");
        var state = Account.Replay(AccountState.Initial(account),
        [
            GoldenSamples.Opened with { AccountId = account },
            GoldenSamples.Deposited with { AccountId = account },
            GoldenSamples.Withdrawn with { AccountId = account },
            GoldenSamples.Locked with { AccountId = account },
            GoldenSamples.Unlocked with { AccountId = account },
        ]);

        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(state), _serializer.Manifest(state)));

        StateAssert.Equal(state, back);
        Assert.Equal(5, back.Processed.Count);
    }

    [Fact]
    public void A_snapshot_of_a_never_opened_account_round_trips_without_a_currency()
    {
        var state = AccountState.Initial(AccountId.Parse("acc-empty"));

        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(state), _serializer.Manifest(state)));

        StateAssert.Equal(state, back);
        Assert.Equal(AccountStatus.None, back.Status);
        Assert.Null(back.Currency.Code);
    }

    /// <summary>
    /// A full window (the hard cap) with everything the layout has to get right: offsets from −14 h to +14 h,
    /// sequence steps that go up unevenly and down, extreme balances, an event type the reader does not know,
    /// and no owner, currency or last-updated time on a locked account.
    /// </summary>
    private static AccountState LargeWindowState()
    {
        var t0 = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        string[] eventTypes = [nameof(AccountOpened), nameof(FundsDeposited), nameof(FundsWithdrawn), nameof(AccountLocked), nameof(AccountUnlocked), "SomeFutureEvent"];
        var entries = Enumerable.Range(0, ProcessedCommands.HardCap).Select(n => new ProcessedCommand(
            CommandId.Parse($"rec-20261128-{n}"),
            new CommandFingerprint((ulong)n * 2_654_435_761UL, ~(ulong)n),
            5_000_000_000L + (n * 2L) - (n % 3 * 7L),
            eventTypes[n % eventTypes.Length],
            n % 2 == 0 ? long.MinValue + n : long.MaxValue - n,
            (t0 + TimeSpan.FromSeconds(n)).ToOffset(TimeSpan.FromMinutes((n % 57 - 28) * 30))));
        return new AccountState
        {
            AccountId = AccountId.Parse("acc-large-window"),
            Sequence = 5_000_020_000,
            Status = AccountStatus.Locked,
            Currency = default,
            BalanceCents = long.MinValue,
            OverdraftLimitCents = long.MaxValue,
            Owner = null,
            LastUpdatedAt = null,
            Processed = ProcessedCommands.FromOldestFirst(entries),
        };
    }

    [Fact]
    public void A_snapshot_with_a_full_idempotency_window_round_trips_exactly()
    {
        var state = LargeWindowState();
        Assert.Equal(ProcessedCommands.HardCap, state.Processed.Count);

        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(state), "V2.AccountSnapshot"));

        StateAssert.Equal(state, back);
        // Record equality compares instants only; the offsets must survive too.
        Assert.Equal(state.Processed.OldestFirst.Select(e => e.OccurredAt.Offset), back.Processed.OldestFirst.Select(e => e.OccurredAt.Offset));
        Assert.All(state.Processed.OldestFirst, e => Assert.Equal(e, back.Processed.Find(e.CommandId)));
        // Known event types are shared strings, not one allocation per entry.
        Assert.All(back.Processed.OldestFirst.Where(e => e.EventType == nameof(FundsDeposited)), e => Assert.Same(nameof(FundsDeposited), e.EventType));
    }

    [Fact]
    public void A_snapshot_whose_window_lists_a_command_id_twice_round_trips_every_entry()
    {
        var first = GoldenSamples.Snapshot.Processed.OldestFirst.First();
        var state = GoldenSamples.Snapshot with
        {
            Processed = ProcessedCommands.FromOldestFirst([.. GoldenSamples.Snapshot.Processed.OldestFirst, first with { Sequence = 5 }]),
        };
        Assert.Equal(5, state.Processed.OldestFirst.Count());
        Assert.Equal(4, state.Processed.Count);

        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(state), "V2.AccountSnapshot"));

        StateAssert.Equal(state, back);
        Assert.Equal(5, back.Processed.Find(first.CommandId)!.Sequence);
    }

    [Fact]
    public void A_snapshot_keeps_the_offset_of_its_last_updated_time()
    {
        var state = GoldenSamples.Snapshot with { LastUpdatedAt = new DateTimeOffset(2025, 1, 15, 10, 59, 58, TimeSpan.FromMinutes(-570)).AddTicks(1) };

        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(state), "V2.AccountSnapshot"));

        StateAssert.Equal(state, back);
        Assert.Equal(TimeSpan.FromMinutes(-570), back.LastUpdatedAt!.Value.Offset);
    }

    [Fact]
    public void A_truncated_V2_snapshot_throws_a_serialization_exception()
    {
        var small = _serializer.ToBinary(GoldenSamples.Snapshot);
        for (var length = 0; length < small.Length; length++)
        {
            var cut = small[..length];
            Assert.Throws<SerializationException>(() => _serializer.FromBinary(cut, "V2.AccountSnapshot"));
        }

        var large = _serializer.ToBinary(LargeWindowState());
        for (var length = 1; length < large.Length; length += 7_919)
        {
            var cut = large[..length];
            Assert.Throws<SerializationException>(() => _serializer.FromBinary(cut, "V2.AccountSnapshot"));
        }
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x01)]
    [InlineData(0x03)]
    [InlineData(0xFF)]
    [InlineData('{')] // a V1 JSON snapshot under the V2 manifest
    public void A_V2_snapshot_with_an_unknown_format_byte_throws_a_serialization_exception(int format)
    {
        var bytes = _serializer.ToBinary(GoldenSamples.Snapshot);
        bytes[0] = (byte)format;

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "V2.AccountSnapshot"));
        Assert.Contains("format byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_V2_snapshot_with_bytes_after_its_last_entry_throws_a_serialization_exception()
    {
        byte[] bytes = [.. _serializer.ToBinary(GoldenSamples.Snapshot), 0];

        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "V2.AccountSnapshot"));
    }

    [Fact]
    public void Corrupted_V2_snapshot_bytes_read_or_throw_a_serialization_exception_never_anything_else()
    {
        var good = _serializer.ToBinary(GoldenSamples.Snapshot);
        var random = new Random(7420);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])good.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--) bytes[random.Next(1, bytes.Length)] = (byte)random.Next(256);
            try
            {
                _serializer.FromBinary(bytes, "V2.AccountSnapshot");
            }
            catch (SerializationException)
            {
                // Refused with the expected exception; a flipped byte inside a string or number may also read.
            }
        }
    }

    [Fact]
    public void Manifests_are_the_stable_versioned_names()
    {
        Assert.Equal("V1.AccountOpened", _serializer.Manifest(GoldenSamples.Opened));
        Assert.Equal("V1.FundsDeposited", _serializer.Manifest(GoldenSamples.Deposited));
        Assert.Equal("V1.FundsWithdrawn", _serializer.Manifest(GoldenSamples.Withdrawn));
        Assert.Equal("V1.AccountLocked", _serializer.Manifest(GoldenSamples.Locked));
        Assert.Equal("V1.AccountUnlocked", _serializer.Manifest(GoldenSamples.Unlocked));
        Assert.Equal("V2.AccountSnapshot", _serializer.Manifest(GoldenSamples.Snapshot));
    }

    [Fact]
    public void The_serializer_id_is_7420_and_manifests_are_used()
    {
        Assert.Equal(7420, _serializer.Identifier);
        Assert.True(_serializer.IncludeManifest);
    }

    [Fact]
    public void An_unknown_manifest_throws_a_serialization_exception()
    {
        var bytes = _serializer.ToBinary(GoldenSamples.Deposited);

        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "V2.FundsDeposited"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "BankLedger.Domain.FundsDeposited, BankLedger.Domain"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, ""));
    }

    [Fact]
    public void A_message_that_is_not_a_ledger_message_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _serializer.Manifest("not a ledger message"));
        Assert.Throws<ArgumentException>(() => _serializer.ToBinary(new CommandRejected(new Rejection("x", "y"))));
    }
}
