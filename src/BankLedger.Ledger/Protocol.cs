using BankLedger.Domain;

namespace BankLedger.Ledger;

/// <summary>What the account actor answered for an accepted (or idempotently repeated) command.</summary>
public sealed record CommandResponse(
    AccountId AccountId,
    CommandId CommandId,
    long Sequence,
    string EventType,
    long BalanceAfterCents,
    DateTimeOffset OccurredAt,
    bool IsReplay);

/// <summary>Reply of the account actor to an <see cref="AccountCommand"/>.</summary>
public abstract record CommandReply;

/// <summary>The command's event is durable in the journal (or was already, for a repeat).</summary>
public sealed record CommandAccepted(CommandResponse Response) : CommandReply;

/// <summary>The command broke a rule; nothing was persisted.</summary>
public sealed record CommandRejected(Rejection Rejection) : CommandReply;

/// <summary>The journal refused or failed the write; the outcome is not accepted. Safe to retry with the same command id.</summary>
public sealed record CommandFailed(string Reason) : CommandReply;
