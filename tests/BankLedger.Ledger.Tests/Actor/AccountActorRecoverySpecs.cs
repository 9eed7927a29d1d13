using Akka.Actor;
using BankLedger.Domain;
using BankLedger.Ledger.Tests.Support;
using Xunit.Abstractions;
using static BankLedger.Ledger.Tests.Support.Commands;

namespace BankLedger.Ledger.Tests.Actor;

public sealed class AccountActorRecoverySpecs(ITestOutputHelper output) : LedgerActorSpec(output)
{
    [Theory]
    [InlineData("poison-pill")]
    [InlineData("kill")]
    public async Task An_account_recreated_after_its_actor_stopped_has_its_balance_sequence_and_status_back(string howStopped)
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account, overdraftCents: 1_000));
        await AcceptedAsync(actor, Deposit(account, "dep-1", 5_000));
        await AcceptedAsync(actor, Withdraw(account, "wd-1", 1_500));
        await AcceptedAsync(actor, Lock(account, "lock-1"));

        await StopAsync(actor, howStopped == "kill" ? Kill.Instance : PoisonPill.Instance);
        var recreated = StartAccount(account);

        await AssertRecoveredAsync(recreated, account);
    }

    [Fact]
    public async Task An_account_on_a_brand_new_actor_system_over_the_same_journal_file_has_its_balance_sequence_and_status_back()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account, overdraftCents: 1_000));
        await AcceptedAsync(actor, Deposit(account, "dep-1", 5_000));
        await AcceptedAsync(actor, Withdraw(account, "wd-1", 1_500));
        await AcceptedAsync(actor, Lock(account, "lock-1"));
        await StopAsync(actor, PoisonPill.Instance);

        var restartedSystem = StartAnotherSystem("restarted");
        var recreated = StartAccount(account, system: restartedSystem);

        await AssertRecoveredAsync(recreated, account, CreateTestProbe(restartedSystem));
    }

    /// <summary>Recovered: locked, at sequence 4, balance 3,500 with an overdraft of 1,000.</summary>
    private async Task AssertRecoveredAsync(IActorRef actor, AccountId account, Akka.TestKit.TestProbe? probe = null)
    {
        Assert.Equal(RejectionCodes.AccountLocked, (await RejectedAsync(actor, Deposit(account, "while-locked", 1), probe)).Code);
        Assert.Equal(5, (await AcceptedAsync(actor, Unlock(account, "unlock-1"), probe)).Sequence);
        Assert.Equal(RejectionCodes.InsufficientFunds, (await RejectedAsync(actor, Withdraw(account, "wd-too-much", 4_501), probe)).Code);
        var drained = await AcceptedAsync(actor, Withdraw(account, "wd-all", 4_500), probe);
        Assert.Equal((6L, -1_000L), (drained.Sequence, drained.BalanceAfterCents));
        Assert.Equal(6, Journal.EventCount(PersistenceIdOf(account)));
    }
}
