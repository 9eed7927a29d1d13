using BankLedger.Domain;

namespace BankLedger.Projections.Tests;

/// <summary>
/// Builds one account's journal the way the write side would: consecutive sequences, running balance,
/// distinct timestamps. Times carry sub-millisecond microseconds so a store that truncates them is caught.
/// </summary>
public sealed class AccountStream(string accountId, string currency = "USD")
{
    /// <summary>2025-03-14T09:26:53.589793Z: microseconds on purpose.</summary>
    public static readonly DateTimeOffset Epoch = new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero).AddMicroseconds(589_793);

    private readonly List<SequencedEvent> _events = [];

    public AccountId Account { get; } = AccountId.Parse(accountId);
    public Currency Currency { get; } = Currency.Parse(currency);
    public long Sequence { get; private set; }
    public long BalanceCents { get; private set; }

    /// <summary>Server time of the next event; every event moves it by 1.000271 s.</summary>
    public DateTimeOffset Clock { get; set; } = Epoch;

    /// <summary>Every event built so far, in sequence order.</summary>
    public IReadOnlyList<SequencedEvent> Events => _events;

    public SequencedEvent this[long sequence] => _events[(int)sequence - 1];

    public SequencedEvent Open(string? owner = "Ada", long overdraftLimitCents = 0) =>
        Add(Stamp(new AccountOpened { Currency = Currency, OverdraftLimitCents = overdraftLimitCents, Owner = owner }));

    public SequencedEvent Deposit(long cents, string? reference = null)
    {
        BalanceCents += cents;
        return Add(Stamp(new FundsDeposited
        {
            AmountCents = cents,
            Currency = Currency,
            Reference = reference,
            BalanceAfterCents = BalanceCents,
        }));
    }

    public SequencedEvent Withdraw(long cents, string? reference = null)
    {
        BalanceCents -= cents;
        return Add(Stamp(new FundsWithdrawn
        {
            AmountCents = cents,
            Currency = Currency,
            Reference = reference,
            BalanceAfterCents = BalanceCents,
        }));
    }

    public SequencedEvent Lock(string? reason = null) => Add(Stamp(new AccountLocked { Reason = reason }));

    public SequencedEvent Unlock(string? reason = null) => Add(Stamp(new AccountUnlocked { Reason = reason }));

    /// <summary>Events with sequences in [from, to].</summary>
    public IReadOnlyList<SequencedEvent> Range(long from, long to) =>
        _events.Where(e => e.Sequence >= from && e.Sequence <= to).ToList();

    private T Stamp<T>(T e) where T : AccountEvent
    {
        var sequence = Sequence + 1;
        var occurredAt = Clock;
        Clock = Clock.AddMicroseconds(1_000_271);
        return e with
        {
            AccountId = Account,
            CommandId = CommandId.Parse($"cmd-{Account}-{sequence}"),
            CommandFingerprint = new CommandFingerprint(0xF1, (ulong)sequence),
            OccurredAt = occurredAt,
            // The client's clock is behind and in another zone.
            ClientCreatedAt = occurredAt.AddMicroseconds(-3_217).ToOffset(TimeSpan.FromHours(2)),
        };
    }

    private SequencedEvent Add(AccountEvent e)
    {
        Sequence++;
        var sequenced = new SequencedEvent(Sequence, e);
        _events.Add(sequenced);
        return sequenced;
    }
}
