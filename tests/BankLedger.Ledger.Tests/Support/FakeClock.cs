namespace BankLedger.Ledger.Tests.Support;

/// <summary>
/// A clock the test moves by hand, so every event's <c>OccurredAt</c> is known in advance.
/// Thread-safe: the actor reads it on a dispatcher thread while the test advances it.
/// </summary>
internal sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 15, 9, 30, 0, TimeSpan.Zero);

    private long _utcTicks = start.UtcTicks;

    public FakeClock() : this(DefaultStart)
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
