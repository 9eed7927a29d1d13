using Akka.Cluster.Sharding;
using BankLedger.Domain;

namespace BankLedger.Ledger.Sharding;

/// <summary>
/// Routes commands to the account entity named by their aggregate id.
/// 100 shards: the usual guidance is ~10 shards per node at the largest planned cluster size (10 nodes),
/// fine-grained enough to rebalance, coarse enough to keep the coordinator's bookkeeping small.
/// Changing it re-homes accounts, so it is fixed.
/// </summary>
public sealed class AccountMessageExtractor() : HashCodeMessageExtractor(MaxShards)
{
    public const int MaxShards = 100;

    public override string? EntityId(object message) => message switch
    {
        AccountCommand command => command.AccountId.Value,
        _ => null,
    };
}
