using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using BankLedger.Domain;
using BankLedger.Ledger;
using BankLedger.Ledger.Serialization;
using BankLedger.Ledger.Sharding;

namespace BankLedger.Node.Hosting;

/// <summary>Akka.Hosting composition, one extension per concern.</summary>
internal static class AkkaComposition
{
    public const string SystemName = "bankledger";
    public const string AccountTypeName = "account";

    public static AkkaConfigurationBuilder AddLedgerPersistence(this AkkaConfigurationBuilder builder, NodeSettings settings) =>
        builder
            .AddHocon(PersistenceConfiguration.Build(settings), HoconAddMode.Prepend)
            .AddSetup(JournalInsertSql.Setup(settings.JournalProvider, settings.JournalConnectionString))
            .WithCustomSerializer("bankledger", [typeof(AccountEvent), typeof(AccountState)], system => new LedgerSerializer(system));

    public static AkkaConfigurationBuilder AddLedgerCluster(this AkkaConfigurationBuilder builder, NodeSettings settings)
    {
        builder
            .WithRemoting(settings.ClusterHostname, settings.ClusterPort)
            .WithClustering(new ClusterOptions
            {
                Roles = settings.Roles.ToArray(),
                SeedNodes = settings.SeedNodes.ToArray(),
            });
        if (settings.SeedNodes.Count == 0)
        {
            // Embedded mode: no seeds configured, so the node forms a cluster of its own.
            builder.AddStartup((system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }
        return builder;
    }

    public static AkkaConfigurationBuilder AddAccountSharding(this AkkaConfigurationBuilder builder, NodeSettings settings, TimeProvider clock)
    {
        if (settings.HasRole("ledger"))
        {
            return builder.WithShardRegion<AccountRegion>(
                AccountTypeName,
                entityId => AccountActor.Props(AccountId.Parse(entityId), settings.SnapshotEvery, clock),
                new AccountMessageExtractor(),
                new ShardOptions
                {
                    Role = "ledger",
                    RememberEntities = false,
                    StateStoreMode = StateStoreMode.DData,
                    PassivateIdleEntityAfter = settings.Http.PassivateIdleAccountsAfter,
                });
        }
        return builder.WithShardRegionProxy<AccountRegion>(AccountTypeName, "ledger", new AccountMessageExtractor());
    }
}
