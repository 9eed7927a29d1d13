using System.Text;
using BankLedger.Domain;

namespace BankLedger.Ledger.Tagging;

/// <summary>
/// Maps accounts to the fixed set of partition tags: the read side's unit of ownership and of checkpoints.
/// <para>
/// Why 8: a partition is the unit of projection parallelism, so the count caps how many projection
/// nodes can share the work; 8 leaves room to grow from one node to several without re-tagging the
/// journal (which would need a rewrite of history we never do). A node reads the journal once for all
/// the partitions it owns (JournalProjection), and keeps one checkpoint per partition per read-store write,
/// so far more partitions would only add checkpoint rows.
/// The count is part of the persisted contract: changing it moves accounts between tags, so it is
/// a constant, not configuration.
/// </para>
/// </summary>
public static class PartitionTags
{
    public const int Count = 8;
    private const string Prefix = "accounts-p";

    public static IReadOnlyList<string> All { get; } = Enumerable.Range(0, Count).Select(TagOf).ToArray();

    public static string TagOf(int partition) => Prefix + partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The account's tag, without allocating: the projection asks for it once per event.</summary>
    public static string TagFor(AccountId account) => All[PartitionOf(account)];

    /// <summary>
    /// Stable partition of an account: FNV-1a over the UTF-8 id. Never <c>string.GetHashCode</c>, which is
    /// randomized per process and would scatter an account's events over several tags across restarts.
    /// </summary>
    public static int PartitionOf(AccountId account)
    {
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(account.Value))
        {
            hash ^= b;
            hash *= prime;
        }
        return (int)(hash % Count);
    }
}
