using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using BankLedger.Domain;

namespace BankLedger.Ledger;

/// <summary>
/// The single writer of one account. Commands are decided by the pure <see cref="Account.Decide"/> and
/// the resulting events persisted; every reply — acceptance, rejection or repeat — is sent only after all
/// earlier writes are durable, so a client never sees an answer the journal could still lose.
/// <para>
/// Group commit: while a write is in flight, arriving commands queue up; when it completes they are
/// decided in order against the state including each other's events and written as ONE atomic write
/// (<c>PersistAllAsync</c> = one AtomicWrite = one transaction). A hot account thus costs one database
/// round trip per batch instead of per command, and a batch is durable all or nothing.
/// </para>
/// </summary>
public sealed class AccountActor : UntypedPersistentActor
{
    /// <summary>Upper bound on commands decided per atomic write; keeps transactions and latency bounded.</summary>
    internal const int MaxBatchSize = 256;

    private readonly int _snapshotEvery;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<(AccountCommand Command, IActorRef ReplyTo)> _waiting = new();
    private AccountState _state;
    private bool _writing;

    public AccountActor(AccountId accountId, int snapshotEvery, TimeProvider clock)
    {
        if (snapshotEvery < 1) throw new ArgumentOutOfRangeException(nameof(snapshotEvery), snapshotEvery, "must be at least 1");
        _snapshotEvery = snapshotEvery;
        _clock = clock;
        _state = AccountState.Initial(accountId);
        PersistenceId = PersistenceIdOf(accountId);
    }

    public static Props Props(AccountId accountId, int snapshotEvery, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new AccountActor(accountId, snapshotEvery, clock));

    public static string PersistenceIdOf(AccountId accountId) => "account-" + accountId.Value;

    public override string PersistenceId { get; }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: AccountState snapshot } offer:
                if (snapshot.Sequence != offer.Metadata.SequenceNr)
                    throw new InvalidOperationException(
                        $"Snapshot of {PersistenceId} holds sequence {snapshot.Sequence} but is stored at {offer.Metadata.SequenceNr}.");
                _state = snapshot;
                break;
            case AccountEvent @event:
                _state = Account.Evolve(_state, @event);
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case AccountCommand command:
                _waiting.Enqueue((command, Sender));
                if (!_writing) DecideWaitingCommands();
                break;
            case SaveSnapshotSuccess success:
                // Keep the newest snapshot only; events are never deleted, so older state stays rebuildable.
                DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
                break;
            case SaveSnapshotFailure failure:
                _log.Warning(failure.Cause, "Snapshot of {0} at {1} failed; recovery replays more events until the next one", PersistenceId, failure.Metadata.SequenceNr);
                break;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void DecideWaitingCommands()
    {
        var now = _clock.GetUtcNow();
        var working = _state;
        var events = new List<AccountEvent>();
        var replies = new List<(IActorRef ReplyTo, Func<CommandReply> Reply)>();

        while (_waiting.Count > 0 && replies.Count < MaxBatchSize)
        {
            var (command, replyTo) = _waiting.Dequeue();
            switch (Account.Decide(working, command, now))
            {
                case Accepted accepted:
                    working = Account.Evolve(working, accepted.Event);
                    events.Add(accepted.Event);
                    var response = ResponseOf(working.Processed.Find(command.CommandId)!, command.AccountId, isReplay: false);
                    replies.Add((replyTo, () => new CommandAccepted(response)));
                    break;
                case AlreadyAccepted repeat:
                    var original = ResponseOf(repeat.Original, command.AccountId, isReplay: true);
                    replies.Add((replyTo, () => new CommandAccepted(original)));
                    break;
                case Rejected rejected:
                    replies.Add((replyTo, () => new CommandRejected(rejected.Rejection)));
                    break;
            }
        }

        if (events.Count == 0)
        {
            foreach (var (replyTo, reply) in replies) replyTo.Tell(reply());
            if (_waiting.Count > 0) DecideWaitingCommands();
            return;
        }

        _writing = true;
        var durable = 0;
        var sequenceBefore = _state.Sequence;
        PersistAllAsync(events, @event =>
        {
            _state = Account.Evolve(_state, @event);
            durable++;
        });
        DeferAsync(events.Count, expected =>
        {
            _writing = false;
            if (durable != expected)
            {
                // The journal rejected the write (e.g. serialization); nothing of the batch is accepted, and
                // queued commands were decided against state that never became durable: fail them too.
                foreach (var (replyTo, _) in replies) replyTo.Tell(new CommandFailed("The journal rejected the write."));
                FailWaitingCommands("The account is restarting after a rejected write.");
                Context.Stop(Self);
                return;
            }
            foreach (var (replyTo, reply) in replies) replyTo.Tell(reply());
            // Snapshot only here, when no write is in flight, so the snapshot's state and its stored
            // sequence number are guaranteed to match.
            if (sequenceBefore / _snapshotEvery != _state.Sequence / _snapshotEvery) SaveSnapshot(_state);
            if (_waiting.Count > 0) DecideWaitingCommands();
        });
    }

    private static CommandResponse ResponseOf(ProcessedCommand processed, AccountId account, bool isReplay) =>
        new(account, processed.CommandId, processed.Sequence, processed.EventType, processed.BalanceAfterCents, processed.OccurredAt, isReplay);

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Journal rejected event {0} of {1} at {2}", @event.GetType().Name, PersistenceId, sequenceNr);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops after this (Akka's rule: the journal's state is unknown). Clients of the failed
        // batch get no answer (its outcome is unknown) and time out; queued commands were never attempted
        // and are told so. Either way a retry with the same command id is safe by idempotency.
        FailWaitingCommands("The journal is unavailable.");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private void FailWaitingCommands(string reason)
    {
        foreach (var (_, replyTo) in _waiting) replyTo.Tell(new CommandFailed(reason));
        _waiting.Clear();
    }
}
