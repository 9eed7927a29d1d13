using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankLedger.Domain;
using BankLedger.Ledger;

namespace BankLedger.Projections;

/// <summary>Gap repair source: <c>CurrentEventsByPersistenceId</c> over the configured read journal.</summary>
public sealed class AkkaJournalRangeReader(ICurrentEventsByPersistenceIdQuery journal, IMaterializer materializer) : IJournalRangeReader
{
    public async Task<IReadOnlyList<SequencedEvent>> ReadAsync(AccountId account, long fromSequence, long toSequence, CancellationToken cancellationToken)
    {
        var events = await journal
            .CurrentEventsByPersistenceId(AccountActor.PersistenceIdOf(account), fromSequence, toSequence)
            .Where(e => e.Event is AccountEvent)
            .Select(e => new SequencedEvent(e.SequenceNr, (AccountEvent)e.Event))
            .RunWith(Sink.Seq<SequencedEvent>(), materializer)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return events;
    }
}
