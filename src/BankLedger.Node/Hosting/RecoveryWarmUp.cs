using Akka.Actor;
using Akka.Persistence;
using BankLedger.Domain;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Walks every step of an account's recovery once before the node takes traffic: a throwaway persistent actor of
/// its own loads its snapshot, reads its highest sequence number and replays an event, and a sample account
/// snapshot and an event of each kind go through the serializer both ways.
/// </summary>
/// <remarks>
/// Why: the first recovery after a start paid for building the journal plugin's queries and for compiling its
/// replay stream and our snapshot reader. Measured on a cold node (SQLite): 125 ms between an account's snapshot
/// arriving and its first replayed event, of which the SQL took under 6 ms — charged to whichever client touched
/// the first account with a snapshot. Paying it here, while the node is not yet listening, keeps the first
/// command after a restart as fast as any later recovery.
/// <para>
/// Replay only runs when there are events, so the probe keeps a little history of its own under
/// <see cref="PersistenceId"/>: marker event 1, a snapshot at 1 (a sample account state, so the snapshot path is
/// exactly an account's) and marker event 2, written once on the first start of a new journal. The markers are
/// plain strings, not account events: they carry no partition tag and the projection skips them. Best effort: a
/// failure is logged and the node starts anyway (a broken journal shows on the first command, as before).
/// </para>
/// </remarks>
internal sealed class RecoveryWarmUp(ActorSystem system, ILogger<RecoveryWarmUp> logger) : IHostedService
{
    /// <summary>Accounts persist as <c>account-…</c>, so this id never holds an account's events.</summary>
    public const string PersistenceId = "bankledger-recovery-warm-up";

    private const string Marker = "recovery warm-up marker";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var sample = SampleAccountState();
            foreach (var message in SampleEvents().Prepend<object>(sample)) RoundTrip(message);
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new RecoveringProbe(sample, done)), "recovery-warm-up");
            var outcome = await done.Task.WaitAsync(Deadline, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Recovery path warmed up in {Ms:F0} ms ({Outcome})", TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, outcome);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Recovery warm-up failed; the first account recovery will pay the set-up cost instead");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static AccountState SampleAccountState()
    {
        var at = DateTimeOffset.UnixEpoch;
        var processed = Enumerable.Range(1, 1_000).Select(i =>
            new ProcessedCommand(CommandId.Parse($"warm-up-{i}"), new CommandFingerprint(0x5EED, (ulong)i), i, "FundsDeposited", i, at));
        return new AccountState
        {
            AccountId = AccountId.Parse("warm-up"), Sequence = 1_000, Status = AccountStatus.Open, Currency = Currency.Parse("EUR"),
            LastUpdatedAt = at, Processed = ProcessedCommands.FromOldestFirst(processed),
        };
    }

    /// <summary>One event of each kind: replay deserializes them, and their first read would otherwise compile it.</summary>
    private static IEnumerable<AccountEvent> SampleEvents()
    {
        var account = AccountId.Parse("warm-up");
        var command = CommandId.Parse("warm-up");
        var usd = Currency.Parse("USD");
        yield return new AccountOpened { AccountId = account, CommandId = command, Currency = usd, OverdraftLimitCents = 0 };
        yield return new FundsDeposited { AccountId = account, CommandId = command, AmountCents = 1, Currency = usd, BalanceAfterCents = 1 };
        yield return new FundsWithdrawn { AccountId = account, CommandId = command, AmountCents = 1, Currency = usd, BalanceAfterCents = 0 };
        yield return new AccountLocked { AccountId = account, CommandId = command };
        yield return new AccountUnlocked { AccountId = account, CommandId = command };
    }

    private void RoundTrip(object sample)
    {
        var serializer = system.Serialization.FindSerializerFor(sample);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
        system.Serialization.Deserialize(serializer.ToBinary(sample), serializer.Identifier, manifest);
    }

    private sealed class RecoveringProbe(AccountState sample, TaskCompletionSource<string> done) : UntypedPersistentActor
    {
        private const string HistoryWritten = "history written; the next start replays it";
        private bool _snapshotOffered;
        private int _replayed;

        public override string PersistenceId => RecoveryWarmUp.PersistenceId;

        protected override void OnRecover(object message)
        {
            switch (message)
            {
                case SnapshotOffer:
                    _snapshotOffered = true;
                    break;
                case string:
                    _replayed++;
                    break;
                case RecoveryCompleted when LastSequenceNr >= 2:
                    Finish($"snapshot {(_snapshotOffered ? "loaded" : "missing")}, {_replayed} event(s) replayed");
                    break;
                case RecoveryCompleted:
                    // A new journal: write the probe's history so that later starts replay through every step.
                    Persist(Marker, _ =>
                    {
                        if (LastSequenceNr == 1) SaveSnapshot(sample);
                        else Finish(HistoryWritten);
                    });
                    break;
            }
        }

        protected override void OnCommand(object message)
        {
            switch (message)
            {
                case SaveSnapshotSuccess:
                    Persist(Marker, _ => Finish(HistoryWritten));
                    break;
                case SaveSnapshotFailure failure:
                    done.TrySetException(failure.Cause);
                    Context.Stop(Self);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void Finish(string outcome)
        {
            done.TrySetResult(outcome);
            Context.Stop(Self);
        }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            done.TrySetException(reason);
            base.OnRecoveryFailure(reason, message);
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            done.TrySetException(cause);
            base.OnPersistFailure(cause, @event, sequenceNr);
        }
    }
}
