using BankLedger.Domain;
using BankLedger.Ledger.Tests.Support;
using Xunit.Abstractions;
using static BankLedger.Ledger.Tests.Support.Commands;

namespace BankLedger.Ledger.Tests.Actor;

public sealed class AccountActorGroupCommitSpecs(ITestOutputHelper output) : LedgerActorSpec(output)
{
    [Fact]
    public async Task Fifty_deposits_sent_without_waiting_are_all_accepted_with_sequences_2_to_51_and_the_balance_is_their_sum()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account));

        for (var i = 1; i <= 50; i++) actor.Tell(Deposit(account, $"dep-{i}", i), TestActor);

        var responses = new List<CommandResponse>();
        for (var i = 0; i < 50; i++) responses.Add(Accepted(await ExpectMsgAsync<CommandReply>(ReplyTimeout)));

        Assert.Equal(Enumerable.Range(2, 50).Select(s => (long)s), responses.Select(r => r.Sequence).Order());
        Assert.All(responses, r => Assert.False(r.IsReplay));
        // Each answer's balance is the previous one plus its own amount, in sequence order.
        var balance = 0L;
        foreach (var response in responses.OrderBy(r => r.Sequence))
        {
            balance += long.Parse(response.CommandId.Value["dep-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(balance, response.BalanceAfterCents);
        }
        Assert.Equal(50 * 51 / 2, balance);
        Assert.Equal(51, Journal.EventCount(PersistenceIdOf(account)));
    }

    [Fact]
    public async Task Of_two_withdrawals_queued_behind_a_write_in_flight_that_together_exceed_the_balance_the_second_is_refused_with_insufficient_funds()
    {
        var account = NewAccount();
        var actor = StartAccount(account);
        await AcceptedAsync(actor, Open(account));
        await AcceptedAsync(actor, Deposit(account, "dep-1", 100));

        // The deposit starts a write; the withdrawals queue behind it and are decided together once it is
        // durable, the second against the batch's working state that already includes the first.
        // (Should the write finish before they arrive, each is decided on its own: the answers are the same.)
        actor.Tell(Deposit(account, "dep-2", 10), TestActor);
        actor.Tell(Withdraw(account, "wd-1", 70), TestActor);
        actor.Tell(Withdraw(account, "wd-2", 70), TestActor);

        var deposit = Accepted(await ExpectMsgAsync<CommandReply>(ReplyTimeout));
        var first = Accepted(await ExpectMsgAsync<CommandReply>(ReplyTimeout));
        var second = Assert.IsType<CommandRejected>(await ExpectMsgAsync<CommandReply>(ReplyTimeout));

        Assert.Equal((3L, 110L), (deposit.Sequence, deposit.BalanceAfterCents));
        Assert.Equal((4L, 40L), (first.Sequence, first.BalanceAfterCents));
        Assert.Equal(RejectionCodes.InsufficientFunds, second.Rejection.Code);
        Assert.Equal(4, Journal.EventCount(PersistenceIdOf(account)));
    }
}
