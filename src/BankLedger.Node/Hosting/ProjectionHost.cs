using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankLedger.Ledger.Tagging;
using BankLedger.Projections;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Runs one projection stream per partition tag on a node with the <c>projection</c> role, from the
/// live <c>EventsByTag</c> query into the configured read store. Stops the streams on shutdown.
/// </summary>
internal sealed class ProjectionHost(
    ActorSystem system,
    IReadStore store,
    ReadModelChanges changes,
    ProjectionStats stats,
    TimeProvider clock,
    ILogger<ProjectionHost> logger) : IHostedService
{
    private readonly List<UniqueKillSwitch> _running = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var materializer = system.Materializer(namePrefix: "projection");
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var repair = new AkkaJournalRangeReader(journal, materializer);
        var settings = new ProjectionSettings();
        foreach (var tag in PartitionTags.All)
        {
            var processor = new ProjectionBatchProcessor(tag, store, repair, changes, stats, clock);
            var killSwitch = TagProjection
                .Create(tag, (t, offset) => journal.EventsByTag(t, Offset.Sequence(offset)), store, processor, settings)
                .ViaMaterialized(KillSwitches.Single<Akka.NotUsed>(), Keep.Right)
                .To(Sink.Ignore<Akka.NotUsed>())
                .Run(materializer);
            _running.Add(killSwitch);
        }
        logger.LogInformation("Projecting {Count} partition tags into the read store", PartitionTags.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var killSwitch in _running) killSwitch.Shutdown();
        _running.Clear();
        return Task.CompletedTask;
    }
}
