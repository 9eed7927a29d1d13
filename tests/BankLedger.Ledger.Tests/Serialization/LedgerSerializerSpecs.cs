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
        var back = Assert.IsType<AccountState>(_serializer.FromBinary(_serializer.ToBinary(GoldenSamples.Snapshot), "V1.AccountSnapshot"));

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

    [Fact]
    public void Manifests_are_the_stable_versioned_names()
    {
        Assert.Equal("V1.AccountOpened", _serializer.Manifest(GoldenSamples.Opened));
        Assert.Equal("V1.FundsDeposited", _serializer.Manifest(GoldenSamples.Deposited));
        Assert.Equal("V1.FundsWithdrawn", _serializer.Manifest(GoldenSamples.Withdrawn));
        Assert.Equal("V1.AccountLocked", _serializer.Manifest(GoldenSamples.Locked));
        Assert.Equal("V1.AccountUnlocked", _serializer.Manifest(GoldenSamples.Unlocked));
        Assert.Equal("V1.AccountSnapshot", _serializer.Manifest(GoldenSamples.Snapshot));
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
