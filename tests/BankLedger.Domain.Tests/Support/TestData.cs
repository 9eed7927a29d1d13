namespace BankLedger.Domain.Tests.Support;

/// <summary>Fixed values shared by the specs. Time is always injected; nothing here reads the clock.</summary>
internal static class TestData
{
    public static readonly AccountId AccountId = AccountId.Parse("acc-1");
    public static readonly Currency Eur = Currency.Parse("EUR");
    public static readonly Currency Usd = Currency.Parse("USD");

    /// <summary>The server time the decider is given.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The client's claim of when it created a command; deliberately different from <see cref="Now"/>.</summary>
    public static readonly DateTimeOffset ClientTime = new(2025, 3, 14, 11, 59, 30, TimeSpan.Zero);

    /// <summary>When the events of a given history happened (before <see cref="Now"/>).</summary>
    public static readonly DateTimeOffset HistoryTime = Now.AddMinutes(-10);

    private static long _nextCommandId;

    /// <summary>A fresh, unique command id (tests run in parallel, hence Interlocked).</summary>
    public static CommandId NewCommandId() => CommandId.Parse($"cmd-{Interlocked.Increment(ref _nextCommandId)}");

    public static CommandId IdOrNew(string? id) => id is null ? NewCommandId() : CommandId.Parse(id);
}
