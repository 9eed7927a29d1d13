using Akka;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankLedger.Domain;

namespace BankLedger.Projections;

/// <summary>Knobs of one projection stream.</summary>
public sealed record ProjectionSettings
{
    /// <summary>Most events written to the read store in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 1000;
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The projection of one partition tag: stored checkpoint → live tag stream → batch → read store.
/// <para>
/// Batching uses <c>Batch</c> rather than <c>GroupedWithin</c>: it aggregates only while the store write
/// downstream is busy, so an idle system projects each event at once (no timer window adds lag) and a
/// busy one writes big batches (throughput). Everything is pull-based, so a slow store slows the journal
/// reads instead of filling memory. Any failure restarts the whole stream with backoff, re-reading the
/// stored checkpoint; the per-account sequence check makes the resulting redelivery harmless.
/// </para>
/// </summary>
public static class TagProjection
{
    /// <summary>Reads a tag from an offset (exclusive); the live query in production, a crafted stream in tests.</summary>
    public delegate Source<EventEnvelope, NotUsed> TagSource(string tag, long afterOffset);

    public static Source<NotUsed, NotUsed> Create(
        string tag, TagSource readTag, IReadStore store, ProjectionBatchProcessor processor, ProjectionSettings settings)
    {
        var restart = RestartSettings.Create(settings.MinBackoff, settings.MaxBackoff, randomFactor: 0.2);
        return RestartSource.OnFailuresWithBackoff(() => Run(tag, readTag, store, processor, settings), restart);
    }

    private static Source<NotUsed, NotUsed> Run(
        string tag, TagSource readTag, IReadStore store, ProjectionBatchProcessor processor, ProjectionSettings settings) =>
        Source.FromTask(store.LoadCheckpointAsync(processor.ProjectionId, CancellationToken.None))
            .ConcatMany(checkpoint => readTag(tag, checkpoint))
            .Select(ToTaggedEvent)
            .Where(e => e is not null)
            .Select(e => e!)
            .Batch(settings.MaxBatchSize, first => new List<TaggedEvent> { first }, (batch, next) =>
            {
                batch.Add(next);
                return batch;
            })
            .SelectAsync(1, async batch =>
            {
                await processor.ProcessAsync(batch, CancellationToken.None).ConfigureAwait(false);
                return NotUsed.Instance;
            });

    private static TaggedEvent? ToTaggedEvent(EventEnvelope envelope) => envelope switch
    {
        { Offset: Sequence offset, Event: AccountEvent @event } => new TaggedEvent(offset.Value, envelope.SequenceNr, @event, envelope.Timestamp),
        _ => null,
    };
}
