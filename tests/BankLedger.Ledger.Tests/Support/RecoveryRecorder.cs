using Akka.Actor;
using Akka.Persistence;

namespace BankLedger.Ledger.Tests.Support;

/// <summary>
/// A read-only persistent actor that recovers an account's persistence id and reports what recovery was
/// made of: the offered snapshot's sequence number, then each replayed event's sequence number.
/// It never writes, so it shows how the account actor will recover without disturbing the journal.
/// </summary>
internal sealed class RecoveryRecorder : UntypedPersistentActor
{
    public sealed record SnapshotOffered(long SequenceNr, object Snapshot);

    public sealed record EventReplayed(long SequenceNr, object Event);

    public sealed record Done(long LastSequenceNr);

    private readonly IActorRef _report;

    public RecoveryRecorder(string persistenceId, IActorRef report)
    {
        PersistenceId = persistenceId;
        _report = report;
    }

    public static Props Props(string persistenceId, IActorRef report) =>
        Akka.Actor.Props.Create(() => new RecoveryRecorder(persistenceId, report));

    public override string PersistenceId { get; }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer offer:
                _report.Tell(new SnapshotOffered(offer.Metadata.SequenceNr, offer.Snapshot));
                break;
            case RecoveryCompleted:
                _report.Tell(new Done(LastSequenceNr));
                break;
            default:
                _report.Tell(new EventReplayed(LastSequenceNr, message));
                break;
        }
    }

    protected override void OnCommand(object message) => Unhandled(message);
}
