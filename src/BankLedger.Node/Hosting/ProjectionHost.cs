using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankLedger.Ledger.Tagging;
using BankLedger.Projections;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Runs the projection on a node with the <c>projection</c> role: the live <c>AllEvents</c> query of the
/// journal into the configured read store, checkpointed per partition tag. Stops the stream on shutdown.
/// </summary>
internal sealed class ProjectionHost(
    ActorSystem system,
    IReadStore store,
    ReadModelChanges changes,
    ProjectionStats stats,
    ProjectionSettings settings,
    TimeProvider clock,
    ILogger<ProjectionHost> logger) : IHostedService
{
    private UniqueKillSwitch? _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var materializer = system.Materializer(namePrefix: "projection");
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var repair = new AkkaJournalRangeReader(journal, materializer);
        // Every partition for now; with several projection nodes each will own a share of PartitionTags.All.
        var processor = new ProjectionBatchProcessor(PartitionTags.All, store, repair, changes, stats, clock);
        _running = JournalProjection
            .Create(offset => journal.AllEvents(Offset.Sequence(offset)), PartitionTags.TagFor, store, processor, settings)
            .ViaMaterialized(KillSwitches.Single<Akka.NotUsed>(), Keep.Right)
            .To(Sink.Ignore<Akka.NotUsed>())
            .Run(materializer);
        logger.LogInformation("Projecting the journal into the read store for {Count} partitions", PartitionTags.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _running?.Shutdown();
        _running = null;
        return Task.CompletedTask;
    }
}
