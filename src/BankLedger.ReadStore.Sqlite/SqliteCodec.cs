using System.Globalization;
using BankLedger.Domain;

namespace BankLedger.ReadStore.Sqlite;

/// <summary>How domain values are stored in SQLite columns.</summary>
internal static class SqliteCodec
{
    public const string StatusOpen = "open";
    public const string StatusLocked = "locked";

    /// <summary>
    /// ISO-8601 round-trip text ("O"): keeps every tick (100 ns) and the offset, so a stored
    /// <see cref="DateTimeOffset"/> reads back identical, not just the same instant.
    /// </summary>
    public static string FormatTime(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);

    public static string FormatStatus(AccountStatus status) => status switch
    {
        AccountStatus.Open => StatusOpen,
        AccountStatus.Locked => StatusLocked,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "only open and locked accounts have views"),
    };

    public static AccountStatus ParseStatus(string text) => text switch
    {
        StatusOpen => AccountStatus.Open,
        StatusLocked => AccountStatus.Locked,
        _ => throw new InvalidDataException($"unknown account status '{text}' in the read model"),
    };
}
