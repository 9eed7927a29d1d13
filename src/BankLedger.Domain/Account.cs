namespace BankLedger.Domain;

/// <summary>The outcome of deciding one command against the current state.</summary>
public abstract record Decision;

/// <summary>The command is valid: persist <paramref name="Event"/>, then answer.</summary>
public sealed record Accepted(AccountEvent Event) : Decision;

/// <summary>The same command (same id, same content) was already accepted: answer what was answered then.</summary>
public sealed record AlreadyAccepted(ProcessedCommand Original) : Decision;

/// <summary>The command is refused; nothing is persisted.</summary>
public sealed record Rejected(Rejection Rejection) : Decision;

/// <summary>
/// All business rules of an account, as two pure functions: <see cref="Decide"/> (command → event or
/// rejection) and <see cref="Evolve"/> (event → next state). Time is passed in, never read here.
/// </summary>
public static class Account
{
    public static Decision Decide(AccountState state, AccountCommand command, DateTimeOffset now)
    {
        if (command.AccountId != state.AccountId)
            throw new ArgumentException($"Command for '{command.AccountId}' routed to account '{state.AccountId}'.", nameof(command));

        // Idempotency comes first: a retry must get the original answer even if the state moved on since.
        if (state.Processed.Find(command.CommandId) is { } original)
        {
            return original.Fingerprint == command.Fingerprint
                ? new AlreadyAccepted(original)
                : new Rejected(Rejection.IdempotencyKeyReused(command.CommandId));
        }

        if (command is OpenAccount open) return DecideOpen(state, open, now);
        if (!state.Exists) return new Rejected(Rejection.AccountNotFound(state.AccountId));

        if (command.ExpectedSequence is { } expected && expected != state.Sequence)
            return new Rejected(Rejection.SequenceConflict(expected, state.Sequence));

        return command switch
        {
            DepositFunds deposit => DecideDeposit(state, deposit, now),
            WithdrawFunds withdraw => DecideWithdraw(state, withdraw, now),
            LockAccount lockAccount => state.Status == AccountStatus.Locked
                ? new Rejected(Rejection.AccountAlreadyLocked(state.AccountId))
                : new Accepted(new AccountLocked { Reason = lockAccount.Reason }.Stamp(command, now)),
            UnlockAccount unlock => state.Status != AccountStatus.Locked
                ? new Rejected(Rejection.AccountNotLocked(state.AccountId))
                : new Accepted(new AccountUnlocked { Reason = unlock.Reason }.Stamp(command, now)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown command"),
        };
    }

    private static Decision DecideOpen(AccountState state, OpenAccount open, DateTimeOffset now)
    {
        if (state.Exists) return new Rejected(Rejection.AccountAlreadyExists(state.AccountId));
        if (open.ExpectedSequence is { } expected && expected != state.Sequence)
            return new Rejected(Rejection.SequenceConflict(expected, state.Sequence));
        if (!MoneyRules.IsValidOverdraft(open.OverdraftLimitCents))
            return new Rejected(Rejection.InvalidOverdraft(open.OverdraftLimitCents));
        return new Accepted(new AccountOpened
        {
            Currency = open.Currency,
            OverdraftLimitCents = open.OverdraftLimitCents,
            Owner = open.Owner,
        }.Stamp(open, now));
    }

    private static Decision DecideDeposit(AccountState state, DepositFunds deposit, DateTimeOffset now)
    {
        if (MoneyRulesViolation(state, deposit.AmountCents, deposit.Currency) is { } rejection) return new Rejected(rejection);
        if (state.BalanceCents > long.MaxValue - deposit.AmountCents)
            return new Rejected(Rejection.BalanceOverflow(state.BalanceCents, deposit.AmountCents));
        return new Accepted(new FundsDeposited
        {
            AmountCents = deposit.AmountCents,
            Currency = deposit.Currency,
            Reference = deposit.Reference,
            BalanceAfterCents = checked(state.BalanceCents + deposit.AmountCents),
        }.Stamp(deposit, now));
    }

    private static Decision DecideWithdraw(AccountState state, WithdrawFunds withdraw, DateTimeOffset now)
    {
        if (MoneyRulesViolation(state, withdraw.AmountCents, withdraw.Currency) is { } rejection) return new Rejected(rejection);
        // Both operands are bounded (|balance| grows only by checked deposits, amount ≤ 10^12), but stay checked anyway.
        var after = checked(state.BalanceCents - withdraw.AmountCents);
        if (after < checked(-state.OverdraftLimitCents))
            return new Rejected(Rejection.InsufficientFunds(state.BalanceCents, state.OverdraftLimitCents, withdraw.AmountCents));
        return new Accepted(new FundsWithdrawn
        {
            AmountCents = withdraw.AmountCents,
            Currency = withdraw.Currency,
            Reference = withdraw.Reference,
            BalanceAfterCents = after,
        }.Stamp(withdraw, now));
    }

    private static Rejection? MoneyRulesViolation(AccountState state, long amount, Currency currency)
    {
        if (!MoneyRules.IsValidAmount(amount)) return Rejection.InvalidAmount(amount);
        if (state.Status == AccountStatus.Locked) return Rejection.AccountLocked(state.AccountId);
        if (currency != state.Currency) return Rejection.CurrencyMismatch(state.Currency, currency);
        return null;
    }

    /// <summary>Applies one event. Total over valid histories; it never rejects (events are facts).</summary>
    public static AccountState Evolve(AccountState state, AccountEvent @event)
    {
        var next = @event switch
        {
            AccountOpened opened => state with
            {
                Status = AccountStatus.Open,
                Currency = opened.Currency,
                OverdraftLimitCents = opened.OverdraftLimitCents,
                Owner = opened.Owner,
                BalanceCents = 0,
            },
            MoneyMoved moved => state with { BalanceCents = moved.BalanceAfterCents },
            AccountLocked => state with { Status = AccountStatus.Locked },
            AccountUnlocked => state with { Status = AccountStatus.Open },
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "unknown event"),
        };
        var sequence = state.Sequence + 1;
        return next with
        {
            Sequence = sequence,
            LastUpdatedAt = @event.OccurredAt,
            Processed = state.Processed.Add(new ProcessedCommand(
                @event.CommandId, @event.CommandFingerprint, sequence, @event.EventType, next.BalanceCents, @event.OccurredAt)),
        };
    }

    public static AccountState Replay(AccountState initial, IEnumerable<AccountEvent> events) =>
        events.Aggregate(initial, Evolve);

    /// <summary>Copies the command's identity and timing onto an event being created for it.</summary>
    private static T Stamp<T>(this T @event, AccountCommand command, DateTimeOffset now) where T : AccountEvent =>
        @event with
        {
            AccountId = command.AccountId,
            CommandId = command.CommandId,
            CommandFingerprint = command.Fingerprint,
            OccurredAt = now,
            ClientCreatedAt = command.CreatedAt,
        };
}
