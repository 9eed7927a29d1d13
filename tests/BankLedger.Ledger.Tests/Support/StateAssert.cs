using BankLedger.Domain;

namespace BankLedger.Ledger.Tests.Support;

/// <summary>
/// Equality of account states. The generated record equality of <see cref="ProcessedCommands"/> compares its
/// immutable collections by reference, so the window is compared by content (oldest first) instead.
/// </summary>
internal static class StateAssert
{
    public static void Equal(AccountState expected, AccountState actual)
    {
        Assert.Equal(expected with { Processed = ProcessedCommands.Empty }, actual with { Processed = ProcessedCommands.Empty });
        Assert.Equal(expected.Processed.OldestFirst, actual.Processed.OldestFirst);
        Assert.Equal(expected.Processed.Count, actual.Processed.Count);
    }
}
