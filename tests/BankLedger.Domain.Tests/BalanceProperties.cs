using CsCheck;

namespace BankLedger.Domain.Tests;

/// <summary>
/// Arithmetic rules checked over random command sequences: the decider is run against a tiny independent model
/// of the account (balance, lock, sequence) and must agree with it on every step.
/// </summary>
public sealed class BalanceProperties
{
    private const int Iterations = 400;

    public enum Kind { Deposit, Withdraw, Lock, Unlock }

    public sealed record Step(Kind Kind, long Amount, bool SendExpectedSequence, bool StaleExpectedSequence);

    /// <summary>Mostly small amounts (so overdraft limits are reached), sometimes up to the maximum.</summary>
    private static readonly Gen<long> Amount = Gen.Int[0, 9].SelectMany(bucket => bucket switch
    {
        < 6 => Gen.Long[1, 10_000],
        < 9 => Gen.Long[1, 10_000_000],
        _ => Gen.Long[1, MoneyRules.MaxAmountCents],
    });

    private static readonly Gen<long> Overdraft = Gen.Int[0, 3].SelectMany(bucket => bucket switch
    {
        0 => Gen.Const(0L),
        1 => Gen.Long[0, 10_000],
        2 => Gen.Long[0, 10_000_000],
        _ => Gen.Long[0, MoneyRules.MaxOverdraftCents],
    });

    private static readonly Gen<Step> MoneyStep =
        Gen.Select(Gen.Bool, Amount, (deposit, amount) => new Step(deposit ? Kind.Deposit : Kind.Withdraw, amount, false, false));

    private static readonly Gen<Step> AnyStep =
        Gen.Select(Gen.Int[0, 9], Amount, Gen.Bool, Gen.Int[0, 4], (kind, amount, sendExpected, stale) => new Step(
            kind switch { < 4 => Kind.Deposit, < 8 => Kind.Withdraw, 8 => Kind.Lock, _ => Kind.Unlock },
            amount, sendExpected, stale == 0));

    private static readonly Gen<(long Overdraft, Step[] Steps)> MoneyScenario = Gen.Select(Overdraft, MoneyStep.Array[0, 80]);

    private static readonly Gen<(long Overdraft, Step[] Steps)> AnyScenario = Gen.Select(Overdraft, AnyStep.Array[0, 80]);

    private sealed record Outcome(AccountCommand Command, Decision Decision, AccountState StateAfter);

    private sealed record Run(AccountState Initial, AccountState Final, List<AccountEvent> Events, List<Outcome> Outcomes);

    private static AccountCommand ToCommand(Step step, int index, long currentSequence)
    {
        long? expected = step.SendExpectedSequence ? (step.StaleExpectedSequence ? currentSequence - 1 : currentSequence) : null;
        var id = $"p-{index}";
        return step.Kind switch
        {
            Kind.Deposit => Cmd.Deposit(step.Amount, id: id, expected: expected),
            Kind.Withdraw => Cmd.Withdraw(step.Amount, id: id, expected: expected),
            Kind.Lock => Cmd.Lock(id: id, expected: expected),
            _ => Cmd.Unlock(id: id, expected: expected),
        };
    }

    private static Run Execute(long overdraft, Step[] steps)
    {
        var initial = AccountState.Initial(TestData.AccountId);
        var state = initial;
        var events = new List<AccountEvent>();
        var outcomes = new List<Outcome>();

        void Decide(AccountCommand command, DateTimeOffset now)
        {
            var decision = Account.Decide(state, command, now);
            if (decision is Accepted accepted)
            {
                events.Add(accepted.Event);
                state = Account.Evolve(state, accepted.Event);
            }
            outcomes.Add(new Outcome(command, decision, state));
        }

        Decide(Cmd.Open(overdraft: overdraft, id: "p-open"), TestData.Now);
        for (var i = 0; i < steps.Length; i++) Decide(ToCommand(steps[i], i, state.Sequence), TestData.Now.AddSeconds(i + 1));
        return new Run(initial, state, events, outcomes);
    }

    [Fact]
    public void Balance_always_equals_the_sum_of_accepted_signed_amounts()
    {
        MoneyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);
            long sum = 0;
            foreach (var outcome in run.Outcomes)
            {
                if (outcome.Decision is Accepted { Event: MoneyMoved moved }) sum += moved.SignedAmountCents;
                Assert.Equal(sum, outcome.StateAfter.BalanceCents);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Balance_never_goes_below_minus_the_overdraft_limit()
    {
        MoneyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);
            Assert.All(run.Outcomes, outcome => Assert.True(outcome.StateAfter.BalanceCents >= -overdraft,
                $"balance {outcome.StateAfter.BalanceCents} below -{overdraft} after {outcome.Command}"));
        }, iter: Iterations);
    }

    [Fact]
    public void A_valid_withdrawal_is_refused_exactly_when_it_would_pass_the_overdraft_limit()
    {
        MoneyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);
            var balance = 0L;
            foreach (var outcome in run.Outcomes.Skip(1))
            {
                switch (outcome.Command)
                {
                    case DepositFunds deposit:
                        Assert.IsType<Accepted>(outcome.Decision);
                        balance += deposit.AmountCents;
                        break;
                    case WithdrawFunds withdraw when balance - withdraw.AmountCents >= -overdraft:
                        Assert.IsType<Accepted>(outcome.Decision);
                        balance -= withdraw.AmountCents;
                        break;
                    case WithdrawFunds:
                        Assert.Equal(RejectionCodes.InsufficientFunds, Assert.IsType<Rejected>(outcome.Decision).Rejection.Code);
                        break;
                }
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Sequence_equals_the_number_of_accepted_events()
    {
        AnyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);
            var accepted = 0;
            foreach (var outcome in run.Outcomes)
            {
                if (outcome.Decision is Accepted) accepted++;
                Assert.Equal(accepted, outcome.StateAfter.Sequence);
            }
            Assert.Equal(run.Events.Count, run.Final.Sequence);
        }, iter: Iterations);
    }

    [Fact]
    public void Replaying_the_accepted_events_reproduces_the_state_exactly()
    {
        AnyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);

            var replayed = Account.Replay(run.Initial, run.Events);

            Assert.Equal(run.Final.BalanceCents, replayed.BalanceCents);
            Assert.Equal(run.Final.Sequence, replayed.Sequence);
            Assert.Equal(run.Final.Status, replayed.Status);
            // Everything else too: the whole record, and the idempotency window entry by entry.
            Assert.Equal(run.Final with { Processed = replayed.Processed }, replayed);
            Assert.Equal(run.Final.Processed.OldestFirst, replayed.Processed.OldestFirst);
        }, iter: Iterations);
    }

    [Fact]
    public void The_decider_agrees_with_a_simple_model_on_every_command()
    {
        AnyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);
            long balance = 0, sequence = 1;
            var locked = false;
            foreach (var outcome in run.Outcomes.Skip(1))
            {
                var command = outcome.Command;
                string? expectedCode = command switch
                {
                    _ when command.ExpectedSequence is { } expected && expected != sequence => RejectionCodes.SequenceConflict,
                    DepositFunds or WithdrawFunds when locked => RejectionCodes.AccountLocked,
                    WithdrawFunds w when balance - w.AmountCents < -overdraft => RejectionCodes.InsufficientFunds,
                    LockAccount when locked => RejectionCodes.AccountAlreadyLocked,
                    UnlockAccount when !locked => RejectionCodes.AccountNotLocked,
                    _ => null,
                };

                if (expectedCode is null)
                {
                    Assert.IsType<Accepted>(outcome.Decision);
                    sequence++;
                    switch (command)
                    {
                        case DepositFunds d: balance += d.AmountCents; break;
                        case WithdrawFunds w: balance -= w.AmountCents; break;
                        case LockAccount: locked = true; break;
                        case UnlockAccount: locked = false; break;
                    }
                }
                else
                {
                    Assert.Equal(expectedCode, Assert.IsType<Rejected>(outcome.Decision).Rejection.Code);
                }

                Assert.Equal(balance, outcome.StateAfter.BalanceCents);
                Assert.Equal(sequence, outcome.StateAfter.Sequence);
                Assert.Equal(locked ? AccountStatus.Locked : AccountStatus.Open, outcome.StateAfter.Status);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Every_accepted_command_repeated_at_the_end_gets_its_original_answer()
    {
        AnyScenario.Sample((overdraft, steps) =>
        {
            var run = Execute(overdraft, steps);
            foreach (var outcome in run.Outcomes)
            {
                var again = Account.Decide(run.Final, outcome.Command, TestData.Now.AddDays(1));
                if (outcome.Decision is Accepted accepted)
                {
                    var original = Assert.IsType<AlreadyAccepted>(again).Original;
                    Assert.Equal(outcome.StateAfter.Sequence, original.Sequence);
                    Assert.Equal(outcome.StateAfter.BalanceCents, original.BalanceAfterCents);
                    Assert.Equal(accepted.Event.EventType, original.EventType);
                }
                else
                {
                    Assert.IsNotType<AlreadyAccepted>(again);
                }
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Fingerprints_are_equal_exactly_when_the_commands_are_equal()
    {
        // Small domains, so equal pairs come up often enough to test both directions.
        var deposit = Gen.Select(Gen.Int[1, 2], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Long[1, 2], Gen.Int[0, 1],
            (id, expected, reference, amount, created) => (AccountCommand)new DepositFunds
            {
                AccountId = TestData.AccountId,
                CommandId = CommandId.Parse($"c{id}"),
                ExpectedSequence = expected == 2 ? null : expected,
                CreatedAt = TestData.ClientTime.AddTicks(created),
                AmountCents = amount,
                Currency = TestData.Eur,
                Reference = reference switch { 0 => null, 1 => "", _ => "r" },
            });
        var withdraw = deposit.Select(command => (AccountCommand)new WithdrawFunds
        {
            AccountId = command.AccountId,
            CommandId = command.CommandId,
            ExpectedSequence = command.ExpectedSequence,
            CreatedAt = command.CreatedAt,
            AmountCents = ((DepositFunds)command).AmountCents,
            Currency = ((DepositFunds)command).Currency,
            Reference = ((DepositFunds)command).Reference,
        });
        var command = Gen.OneOf(deposit, withdraw);

        Gen.Select(command, command).Sample((a, b) => Assert.Equal(a == b, a.Fingerprint == b.Fingerprint), iter: 2_000);
    }
}
