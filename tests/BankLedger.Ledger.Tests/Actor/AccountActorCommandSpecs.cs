using Akka.Actor;
using BankLedger.Domain;
using BankLedger.Ledger.Serialization;
using BankLedger.Ledger.Tagging;
using BankLedger.Ledger.Tests.Support;
using Xunit.Abstractions;
using static BankLedger.Ledger.Tests.Support.Commands;

namespace BankLedger.Ledger.Tests.Actor;

public sealed class AccountActorCommandSpecs(ITestOutputHelper output) : LedgerActorSpec(output)
{
    [Fact]
    public async Task Open_deposit_and_withdraw_are_accepted_with_sequences_1_2_3_and_their_balances()
    {
        var account = NewAccount();
        var actor = StartAccount(account);

        var opened = await AcceptedAsync(actor, Open(account));
        var openedAt = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromMinutes(1));
        var deposited = await AcceptedAsync(actor, Deposit(account, "dep-1", 10_000));
        var depositedAt = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromMinutes(1));
        var withdrawn = await AcceptedAsync(actor, Withdraw(account, "wd-1", 2_500));
        var withdrawnAt = Clock.GetUtcNow();

        Assert.Equal(new CommandResponse(account, CommandId.Parse("open-1"), 1, "AccountOpened", 0, openedAt, false), opened);
        Assert.Equal(new CommandResponse(account, CommandId.Parse("dep-1"), 2, "FundsDeposited", 10_000, depositedAt, false), deposited);
        Assert.Equal(new CommandResponse(account, CommandId.Parse("wd-1"), 3, "FundsWithdrawn", 7_500, withdrawnAt, false), withdrawn);
        Assert.Equal(3, Journal.EventCount(PersistenceIdOf(account)));
    }

    [Fact]
    public async Task Rejected_commands_reply_with_their_code_and_persist_nothing()
    {
        var account = NewAccount();
        var actor = StartAccount(account);

        Assert.Equal(RejectionCodes.AccountNotFound, (await RejectedAsync(actor, Deposit(account, "early", 100))).Code);
        await AcceptedAsync(actor, Open(account)); // sequence 1
        Assert.Equal(RejectionCodes.AccountAlreadyExists, (await RejectedAsync(actor, Open(account, "open-again"))).Code);
        Assert.Equal(RejectionCodes.CurrencyMismatch, (await RejectedAsync(actor, Deposit(account, "usd", 100, Usd))).Code);
        Assert.Equal(RejectionCodes.InvalidAmount, (await RejectedAsync(actor, Deposit(account, "zero", 0))).Code);
        Assert.Equal(RejectionCodes.InsufficientFunds, (await RejectedAsync(actor, Withdraw(account, "too-much", 1))).Code);
        Assert.Equal(RejectionCodes.SequenceConflict,
            (await RejectedAsync(actor, Deposit(account, "stale", 100) with { ExpectedSequence = 7 })).Code);
        Assert.Equal(RejectionCodes.AccountNotLocked, (await RejectedAsync(actor, Unlock(account, "unlock-early"))).Code);
        await AcceptedAsync(actor, Lock(account, "lock-1")); // sequence 2
        Assert.Equal(RejectionCodes.AccountLocked, (await RejectedAsync(actor, Deposit(account, "while-locked", 100))).Code);
        Assert.Equal(RejectionCodes.AccountAlreadyLocked, (await RejectedAsync(actor, Lock(account, "lock-again"))).Code);

        Assert.Equal(2, Journal.EventCount(PersistenceIdOf(account)));

        // A fresh incarnation recovers exactly the two accepted events: the next event is number 3.
        await StopAsync(actor, PoisonPill.Instance);
        var restarted = StartAccount(account);
        var unlocked = await AcceptedAsync(restarted, Unlock(account, "unlock-1"));
        Assert.Equal(3, unlocked.Sequence);
        Assert.Equal(3, Journal.EventCount(PersistenceIdOf(account)));
    }

    [Fact]
    public async Task Stored_events_use_the_stable_manifests_the_ledger_serializer_and_the_accounts_partition_tag()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account));
        await AcceptedAsync(actor, Deposit(account, "dep-1", 500));
        await AcceptedAsync(actor, Withdraw(account, "wd-1", 200));
        await AcceptedAsync(actor, Lock(account, "lock-1"));
        await AcceptedAsync(actor, Unlock(account, "unlock-1"));

        var rows = Journal.JournalRows(PersistenceIdOf(account));
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.SequenceNr));
        Assert.Equal(
            ["V1.AccountOpened", "V1.FundsDeposited", "V1.FundsWithdrawn", "V1.AccountLocked", "V1.AccountUnlocked"],
            rows.Select(r => r.Manifest));
        Assert.All(rows, r => Assert.Equal(LedgerSerializer.SerializerId, r.SerializerId));
        Assert.All(rows, r => Assert.False(r.Deleted));

        var tags = Journal.TagRows(PersistenceIdOf(account));
        Assert.Equal([1L, 2, 3, 4, 5], tags.Select(t => t.SequenceNr));
        Assert.All(tags, t => Assert.Equal(PartitionTags.TagFor(account), t.Tag));
        Assert.Equal(tags.Select(t => t.OrderingId).Order(), tags.Select(t => t.OrderingId));
    }
}
