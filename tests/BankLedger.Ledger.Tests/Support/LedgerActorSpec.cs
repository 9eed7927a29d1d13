using Akka.Actor;
using Akka.TestKit;
using BankLedger.Domain;
using Xunit.Abstractions;

namespace BankLedger.Ledger.Tests.Support;

/// <summary>
/// Base of the account actor specs: a TestKit whose ActorSystem journals to a real SQLite file
/// (one file per test), a hand-moved clock, and helpers to talk to accounts and restart them.
/// </summary>
public abstract class LedgerActorSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Generous bound for one reply: the first write also creates the tables, and CI machines are busy (2 cores, several test hosts).</summary>
    protected static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _extraSystems = [];
    private int _incarnations;

    private protected LedgerActorSpec(ITestOutputHelper output) : this(new SqliteJournal(), output)
    {
    }

    private LedgerActorSpec(SqliteJournal journal, ITestOutputHelper output) : base(journal.Config, "ledger", output)
    {
        Journal = journal;
    }

    private protected SqliteJournal Journal { get; }

    private protected FakeClock Clock { get; } = new();

    /// <summary>
    /// Starts an incarnation of the account's actor. Each gets its own name: a watcher can see Terminated
    /// before the parent has released the old name, so reusing it right after a stop would be racy.
    /// </summary>
    protected IActorRef StartAccount(AccountId account, int snapshotEvery = 100, ActorSystem? system = null) =>
        (system ?? Sys).ActorOf(
            AccountActor.Props(account, snapshotEvery, Clock),
            $"account-{account.Value}-{Interlocked.Increment(ref _incarnations)}");

    /// <summary>Sends one command from <paramref name="probe"/> (default: the test actor) and returns the reply.</summary>
    protected async Task<CommandReply> SendAsync(IActorRef account, AccountCommand command, TestProbe? probe = null)
    {
        account.Tell(command, probe?.Ref ?? TestActor);
        return probe is null
            ? await ExpectMsgAsync<CommandReply>(ReplyTimeout)
            : await probe.ExpectMsgAsync<CommandReply>(ReplyTimeout);
    }

    protected async Task<CommandResponse> AcceptedAsync(IActorRef account, AccountCommand command, TestProbe? probe = null) =>
        Accepted(await SendAsync(account, command, probe));

    protected async Task<Rejection> RejectedAsync(IActorRef account, AccountCommand command, TestProbe? probe = null) =>
        Assert.IsType<CommandRejected>(await SendAsync(account, command, probe)).Rejection;

    protected static CommandResponse Accepted(CommandReply reply) => Assert.IsType<CommandAccepted>(reply).Response;

    /// <summary>Stops the actor with <paramref name="stopMessage"/> (PoisonPill or Kill) and waits until it is gone.</summary>
    protected async Task StopAsync(IActorRef actor, object stopMessage, TestProbe? probe = null)
    {
        var watcher = probe ?? CreateTestProbe();
        watcher.Watch(actor);
        actor.Tell(stopMessage);
        await watcher.ExpectTerminatedAsync(actor, ReplyTimeout);
    }

    /// <summary>A second, independent ActorSystem on the same journal file, as after a process restart.</summary>
    protected ActorSystem StartAnotherSystem(string name)
    {
        var system = ActorSystem.Create(name, Journal.Config);
        _extraSystems.Add(system);
        return system;
    }

    protected static string PersistenceIdOf(AccountId account) => AccountActor.PersistenceIdOf(account);

    protected override void Dispose(bool disposing)
    {
        try
        {
            foreach (var system in _extraSystems)
                system.Terminate().Wait(TimeSpan.FromSeconds(10));
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing) Journal.Dispose();
        }
    }
}
