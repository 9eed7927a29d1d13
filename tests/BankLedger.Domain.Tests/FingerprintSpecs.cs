namespace BankLedger.Domain.Tests;

public sealed class FingerprintSpecs
{
    private static readonly DateTimeOffset Created = TestData.ClientTime;

    private static OpenAccount Open() => new()
    {
        AccountId = AccountId.Parse("fp-account"),
        CommandId = CommandId.Parse("fp-1"),
        ExpectedSequence = 0,
        CreatedAt = Created,
        Currency = TestData.Eur,
        OverdraftLimitCents = 100,
        Owner = "owner",
    };

    private static DepositFunds Deposit() => new()
    {
        AccountId = AccountId.Parse("fp-account"),
        CommandId = CommandId.Parse("fp-1"),
        ExpectedSequence = 4,
        CreatedAt = Created,
        AmountCents = 500,
        Currency = TestData.Eur,
        Reference = "ref",
    };

    private static WithdrawFunds Withdraw() => new()
    {
        AccountId = AccountId.Parse("fp-account"),
        CommandId = CommandId.Parse("fp-1"),
        ExpectedSequence = 4,
        CreatedAt = Created,
        AmountCents = 500,
        Currency = TestData.Eur,
        Reference = "ref",
    };

    private static LockAccount Lock() => new()
    {
        AccountId = AccountId.Parse("fp-account"),
        CommandId = CommandId.Parse("fp-1"),
        ExpectedSequence = 4,
        CreatedAt = Created,
        Reason = "why",
    };

    private static UnlockAccount Unlock() => new()
    {
        AccountId = AccountId.Parse("fp-account"),
        CommandId = CommandId.Parse("fp-1"),
        ExpectedSequence = 4,
        CreatedAt = Created,
        Reason = "why",
    };

    /// <summary>Pairs of commands that differ in exactly one thing the client said.</summary>
    private static readonly Dictionary<string, (AccountCommand Baseline, AccountCommand Variant)> Differences = new()
    {
        ["account id"] = (Deposit(), Deposit() with { AccountId = AccountId.Parse("fp-other") }),
        ["command id"] = (Deposit(), Deposit() with { CommandId = CommandId.Parse("fp-2") }),
        ["expected sequence value"] = (Deposit(), Deposit() with { ExpectedSequence = 5 }),
        ["expected sequence absent"] = (Deposit(), Deposit() with { ExpectedSequence = null }),
        ["expected sequence zero vs absent"] = (Open(), Open() with { ExpectedSequence = null }),
        ["created at by one tick"] = (Deposit(), Deposit() with { CreatedAt = Created.AddTicks(1) }),
        ["command type deposit vs withdraw"] = (Deposit(), Withdraw()),
        ["command type lock vs unlock"] = (Lock(), Unlock()),
        ["open currency"] = (Open(), Open() with { Currency = TestData.Usd }),
        ["open overdraft"] = (Open(), Open() with { OverdraftLimitCents = 101 }),
        ["open owner"] = (Open(), Open() with { Owner = "other" }),
        ["open owner null vs empty"] = (Open() with { Owner = null }, Open() with { Owner = "" }),
        ["deposit amount"] = (Deposit(), Deposit() with { AmountCents = 501 }),
        ["deposit currency"] = (Deposit(), Deposit() with { Currency = TestData.Usd }),
        ["deposit reference"] = (Deposit(), Deposit() with { Reference = "ref2" }),
        ["deposit reference null vs empty"] = (Deposit() with { Reference = null }, Deposit() with { Reference = "" }),
        ["withdraw amount"] = (Withdraw(), Withdraw() with { AmountCents = 499 }),
        ["withdraw currency"] = (Withdraw(), Withdraw() with { Currency = TestData.Usd }),
        ["withdraw reference"] = (Withdraw(), Withdraw() with { Reference = null }),
        ["lock reason"] = (Lock(), Lock() with { Reason = "other" }),
        ["lock reason null vs empty"] = (Lock() with { Reason = null }, Lock() with { Reason = "" }),
        ["unlock reason"] = (Unlock(), Unlock() with { Reason = null }),
    };

    public static TheoryData<string> DifferenceNames => [.. Differences.Keys];

    [Theory]
    [MemberData(nameof(DifferenceNames))]
    public void Fingerprint_differs_when_any_field_differs(string difference)
    {
        var (baseline, variant) = Differences[difference];

        Assert.NotEqual(baseline.Fingerprint, variant.Fingerprint);
    }

    public static TheoryData<string> CommandKinds => ["open", "deposit", "withdraw", "lock", "unlock"];

    [Theory]
    [MemberData(nameof(CommandKinds))]
    public void Fingerprint_is_equal_for_separately_built_commands_with_equal_content(string kind)
    {
        Func<AccountCommand> build = kind switch
        {
            "open" => Open,
            "deposit" => Deposit,
            "withdraw" => Withdraw,
            "lock" => Lock,
            "unlock" => Unlock,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var first = build();
        var second = build();

        Assert.NotSame(first, second);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
    }

    [Fact]
    public void Fingerprint_is_thirty_two_lowercase_hex_digits()
    {
        Assert.Matches("^[0-9a-f]{32}$", Deposit().Fingerprint);
    }

    [Fact]
    public void Fingerprint_ignores_the_offset_of_the_same_instant()
    {
        // Equal instants are equal DateTimeOffsets, so they must not count as different content.
        var utc = Deposit() with { CreatedAt = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero) };
        var paris = Deposit() with { CreatedAt = new DateTimeOffset(2025, 1, 1, 13, 0, 0, TimeSpan.FromHours(1)) };

        Assert.Equal(utc, paris);
        Assert.Equal(utc.Fingerprint, paris.Fingerprint);
    }

    [Fact]
    public void Fingerprint_is_stable_across_releases()
    {
        // Fingerprints are persisted in events; changing the canonical form would break idempotency after an upgrade.
        Assert.Equal(Deposit().Fingerprint, CommandFingerprint.Of(Deposit()));
        Assert.Equal(KnownDepositFingerprint, Deposit().Fingerprint);
    }

    // Computed outside .NET from the documented canonical form (length-prefixed fields, SHA-256, first 16 bytes):
    // "13:DEPOSIT_FUNDS|10:fp-account|4:fp-1|1:4|18:638775503700000000|3:500|3:EUR|3:ref|"
    private const string KnownDepositFingerprint = "b06e72c19e3be438e2296885b028c70a";
}
