using Akka.Actor;
using BankLedger.Domain;
using BankLedger.Ledger.Tests.Support;
using Xunit.Abstractions;
using static BankLedger.Ledger.Tests.Support.Commands;

namespace BankLedger.Ledger.Tests.Actor;

public sealed class AccountActorIdempotencySpecs(ITestOutputHelper output) : LedgerActorSpec(output)
{
    [Fact]
    public async Task A_repeated_command_returns_the_original_response_marked_as_replay_and_persists_nothing()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account));
        var original = await AcceptedAsync(actor, Deposit(account, "dep-1", 700));
        await AcceptedAsync(actor, Deposit(account, "dep-2", 300));
        Clock.Advance(TimeSpan.FromHours(1));

        var repeat = await AcceptedAsync(actor, Deposit(account, "dep-1", 700));

        Assert.Equal(original with { IsReplay = true }, repeat);
        Assert.Equal(3, Journal.EventCount(PersistenceIdOf(account)));
    }

    [Fact]
    public async Task A_repeated_command_after_a_restart_on_a_new_actor_system_returns_the_original_response_and_persists_nothing()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        var opened = await AcceptedAsync(actor, Open(account));
        var deposited = await AcceptedAsync(actor, Deposit(account, "dep-1", 700, reference: "invoice 17"));
        await StopAsync(actor, PoisonPill.Instance);

        // Later, in what amounts to a new process on the same journal file.
        Clock.Advance(TimeSpan.FromHours(2));
        var restartedSystem = StartAnotherSystem("restarted");
        var probe = CreateTestProbe(restartedSystem);
        var restarted = StartAccount(account, system: restartedSystem);

        Assert.Equal(deposited with { IsReplay = true }, await AcceptedAsync(restarted, Deposit(account, "dep-1", 700, reference: "invoice 17"), probe));
        Assert.Equal(opened with { IsReplay = true }, await AcceptedAsync(restarted, Open(account), probe));
        Assert.Equal(2, Journal.EventCount(PersistenceIdOf(account)));
    }

    [Fact]
    public async Task The_same_command_id_with_different_content_is_rejected_with_idempotency_key_reused_before_and_after_a_restart()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account));
        await AcceptedAsync(actor, Deposit(account, "dep-1", 700));

        var sameIdOtherAmount = Deposit(account, "dep-1", 701);
        Assert.Equal(RejectionCodes.IdempotencyKeyReused, (await RejectedAsync(actor, sameIdOtherAmount)).Code);

        await StopAsync(actor, PoisonPill.Instance);
        var restarted = StartAccount(account);
        Assert.Equal(RejectionCodes.IdempotencyKeyReused, (await RejectedAsync(restarted, sameIdOtherAmount)).Code);
        Assert.Equal(RejectionCodes.IdempotencyKeyReused, (await RejectedAsync(restarted, Withdraw(account, "dep-1", 700))).Code);
        Assert.Equal(2, Journal.EventCount(PersistenceIdOf(account)));
    }
}
