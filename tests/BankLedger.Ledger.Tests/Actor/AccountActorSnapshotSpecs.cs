using Akka.Actor;
using BankLedger.Domain;
using BankLedger.Ledger.Serialization;
using BankLedger.Ledger.Tests.Support;
using BankLedger.TestSupport;
using Xunit.Abstractions;
using static BankLedger.Ledger.Tests.Support.Commands;

namespace BankLedger.Ledger.Tests.Actor;

public sealed class AccountActorSnapshotSpecs(ITestOutputHelper output) : LedgerActorSpec(output)
{
    private const int SnapshotEvery = 5;

    [Fact]
    public async Task With_a_snapshot_every_5_events_after_12_events_only_the_snapshot_at_10_remains_and_recovery_uses_it()
    {
        var account = NewAccount();
        var persistenceId = PersistenceIdOf(account);
        var actor = StartAccount(account, SnapshotEvery);
        await AcceptedAsync(actor, Open(account));
        for (var i = 1; i <= 11; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await AcceptedAsync(actor, Deposit(account, $"dep-{i}", i * 100));
        }

        // Snapshots are written after the replies and the older one deleted after that: wait for both.
        var snapshot = await Eventually.Value(
            () => Task.FromResult(Journal.SnapshotRows(persistenceId) is [{ SequenceNr: 10 } only] ? only : null),
            ReplyTimeout, "a single snapshot row at sequence 10");
        Assert.Equal(LedgerSerializer.AccountSnapshotManifest, snapshot.Manifest);
        Assert.Equal(LedgerSerializer.SerializerId, snapshot.SerializerId);

        var serializer = new LedgerSerializer((ExtendedActorSystem)Sys);
        var stored = Assert.IsType<AccountState>(serializer.FromBinary(snapshot.Payload, snapshot.Manifest));
        Assert.Equal(10, stored.Sequence);
        Assert.Equal(Enumerable.Range(1, 9).Sum(i => i * 100L), stored.BalanceCents);
        Assert.Equal(10, stored.Processed.Count);

        // The snapshot plus the events after it fold to the same state as a replay of the whole journal.
        var events = Journal.JournalRows(persistenceId)
            .Select(r => (AccountEvent)serializer.FromBinary(r.Payload, r.Manifest))
            .ToList();
        Assert.Equal(12, events.Count);
        var fromSnapshot = Account.Replay(stored, events.Skip(10));
        var fromScratch = Account.Replay(AccountState.Initial(account), events);
        StateAssert.Equal(fromScratch, fromSnapshot);

        // And the actor's own recovery is exactly that: the snapshot at 10, then events 11 and 12.
        await StopAsync(actor, PoisonPill.Instance);
        var recorder = Sys.ActorOf(RecoveryRecorder.Props(persistenceId, TestActor));
        Assert.Equal(10, (await ExpectMsgAsync<RecoveryRecorder.SnapshotOffered>(ReplyTimeout)).SequenceNr);
        Assert.Equal(11, (await ExpectMsgAsync<RecoveryRecorder.EventReplayed>(ReplyTimeout)).SequenceNr);
        Assert.Equal(12, (await ExpectMsgAsync<RecoveryRecorder.EventReplayed>(ReplyTimeout)).SequenceNr);
        Assert.Equal(12, (await ExpectMsgAsync<RecoveryRecorder.Done>(ReplyTimeout)).LastSequenceNr);
        await StopAsync(recorder, PoisonPill.Instance);

        var recovered = StartAccount(account, SnapshotEvery);
        // A command from before the snapshot is still known (the idempotency window came from the snapshot) ...
        var replay = await AcceptedAsync(recovered, Deposit(account, "dep-2", 200));
        Assert.Equal((3L, 300L, true), (replay.Sequence, replay.BalanceAfterCents, replay.IsReplay));
        // ... and new commands continue from the recovered state.
        var next = await AcceptedAsync(recovered, Deposit(account, "dep-12", 1_200));
        Assert.Equal((13L, fromScratch.BalanceCents + 1_200), (next.Sequence, next.BalanceAfterCents));
    }
}
