using BankLedger.Domain;

namespace BankLedger.Projections;

/// <summary>One applied event: the account's view after it and the history entry it adds.</summary>
public readonly record struct AppliedEvent(AccountView View, TransactionView Entry);

/// <summary>
/// The read model's rules, in one place for every store: how one event changes an account's view and which
/// history entry it adds. Stores keep only the mechanics (loading views, writing documents or rows).
/// </summary>
public static class AccountViewFold
{
    /// <summary>
    /// Applies event <paramref name="sequence"/> of an account to its <paramref name="view"/> (null: the account has
    /// no view yet). Returns null for a sequence the view already holds (a redelivery); throws
    /// <see cref="ReadModelGapException"/> when sequences are missing in between, and
    /// <see cref="InvalidOperationException"/> for a transition the ledger can never produce.
    /// </summary>
    public static AppliedEvent? Apply(AccountView? view, long sequence, AccountEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var last = view?.LastSequence ?? 0;
        if (sequence <= last) return null;
        if (sequence != last + 1) throw new ReadModelGapException(@event.AccountId, last, sequence);

        var next = Next(view, sequence, @event);
        var (amount, reference, currency) = @event switch
        {
            MoneyMoved money => ((long?)money.AmountCents, money.Reference, money.Currency),
            AccountLocked locked => (null, locked.Reason, next.Currency),
            AccountUnlocked unlocked => (null, unlocked.Reason, next.Currency),
            _ => (null, null, next.Currency),
        };
        var entry = new TransactionView(
            @event.AccountId, sequence, @event.EventType, amount, currency, reference, next.BalanceCents,
            @event.CommandId, @event.OccurredAt, @event.ClientCreatedAt);
        return new AppliedEvent(next, entry);
    }

    private static AccountView Next(AccountView? view, long sequence, AccountEvent @event) => (view, @event) switch
    {
        (null, AccountOpened opened) => new AccountView(
            opened.AccountId, opened.Currency, AccountStatus.Open, 0, opened.OverdraftLimitCents, opened.Owner,
            sequence, opened.OccurredAt, opened.OccurredAt),
        (not null, AccountOpened) => throw new InvalidOperationException(
            $"Account '{@event.AccountId}' is already open; sequence {sequence} cannot open it again."),
        (null, _) => throw new InvalidOperationException(
            $"Account '{@event.AccountId}' has no view, so sequence {sequence} must be {nameof(AccountOpened)}, not {@event.EventType}."),
        (not null, MoneyMoved money) => view with { BalanceCents = money.BalanceAfterCents, LastSequence = sequence, LastUpdatedAt = money.OccurredAt },
        (not null, AccountLocked) => view with { Status = AccountStatus.Locked, LastSequence = sequence, LastUpdatedAt = @event.OccurredAt },
        (not null, AccountUnlocked) => view with { Status = AccountStatus.Open, LastSequence = sequence, LastUpdatedAt = @event.OccurredAt },
        _ => throw new NotSupportedException($"The read model cannot apply {@event.GetType().Name}."),
    };
}
