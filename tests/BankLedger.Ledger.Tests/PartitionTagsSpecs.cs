using BankLedger.Domain;
using BankLedger.Ledger.Tagging;

namespace BankLedger.Ledger.Tests;

public sealed class PartitionTagsSpecs
{
    /// <summary>
    /// Computed once from FNV-1a when partition tagging shipped. Every stored event carries its tag, so an
    /// account must never move: if this fails, the hash changed and existing journals would be split.
    /// </summary>
    [Theory]
    [InlineData("acc-1", 4)]
    [InlineData("acc-2", 5)]
    [InlineData("alice", 7)]
    [InlineData("ACC-000042", 3)]
    [InlineData("x", 7)]
    [InlineData("Z", 5)]
    [InlineData("0", 7)]
    [InlineData("customer:7f3a.savings", 5)]
    public void A_known_account_always_lands_in_the_same_partition(string account, int partition)
    {
        var id = AccountId.Parse(account);

        Assert.Equal(partition, PartitionTags.PartitionOf(id));
        Assert.Equal("accounts-p" + partition, PartitionTags.TagFor(id));
    }

    [Fact]
    public void There_are_eight_partition_tags_named_accounts_p0_to_p7()
    {
        Assert.Equal(8, PartitionTags.Count);
        Assert.Equal(["accounts-p0", "accounts-p1", "accounts-p2", "accounts-p3", "accounts-p4", "accounts-p5", "accounts-p6", "accounts-p7"], PartitionTags.All);
    }

    [Fact]
    public void Ten_thousand_accounts_spread_roughly_evenly_over_all_partitions()
    {
        var counts = new int[PartitionTags.Count];
        for (var i = 0; i < 10_000; i++)
        {
            var id = AccountId.Parse($"acct-{i}");
            var partition = PartitionTags.PartitionOf(id);
            Assert.InRange(partition, 0, PartitionTags.Count - 1);
            Assert.Contains(PartitionTags.TagFor(id), PartitionTags.All);
            counts[partition]++;
        }

        // An even spread is 12.5% each; a partition with under 10% or over 15% would skew projection load.
        Assert.All(counts, count => Assert.InRange(count, 1_000, 1_500));
    }
}
