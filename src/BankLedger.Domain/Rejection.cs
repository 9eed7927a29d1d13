namespace BankLedger.Domain;

/// <summary>Why a command was refused: a stable machine <see cref="Code"/> plus a human <see cref="Detail"/>.</summary>
public sealed record Rejection(string Code, string Detail)
{
    public static Rejection AccountNotFound(AccountId id) =>
        new(RejectionCodes.AccountNotFound, $"Account '{id}' does not exist.");

    public static Rejection AccountAlreadyExists(AccountId id) =>
        new(RejectionCodes.AccountAlreadyExists, $"Account '{id}' already exists.");

    public static Rejection SequenceConflict(long expected, long actual) =>
        new(RejectionCodes.SequenceConflict, $"Expected sequence {expected} but the account is at {actual}.");

    public static Rejection IdempotencyKeyReused(CommandId id) =>
        new(RejectionCodes.IdempotencyKeyReused, $"Command id '{id}' was already used for a different command.");

    public static Rejection InsufficientFunds(long balance, long overdraft, long amount) =>
        new(RejectionCodes.InsufficientFunds,
            $"Withdrawing {amount} cents would take the balance of {balance} cents below the overdraft limit of {overdraft} cents.");

    public static Rejection AccountLocked(AccountId id) =>
        new(RejectionCodes.AccountLocked, $"Account '{id}' is locked; deposits and withdrawals are refused.");

    public static Rejection AccountAlreadyLocked(AccountId id) =>
        new(RejectionCodes.AccountAlreadyLocked, $"Account '{id}' is already locked.");

    public static Rejection AccountNotLocked(AccountId id) =>
        new(RejectionCodes.AccountNotLocked, $"Account '{id}' is not locked.");

    public static Rejection CurrencyMismatch(Currency account, Currency requested) =>
        new(RejectionCodes.CurrencyMismatch, $"The account holds {account}; the command is in {requested}.");

    public static Rejection InvalidAmount(long amount) =>
        new(RejectionCodes.InvalidAmount, $"Amount {amount} is outside 1..{MoneyRules.MaxAmountCents} cents.");

    public static Rejection InvalidOverdraft(long overdraft) =>
        new(RejectionCodes.InvalidOverdraft, $"Overdraft limit {overdraft} is outside 0..{MoneyRules.MaxOverdraftCents} cents.");

    public static Rejection BalanceOverflow(long balance, long amount) =>
        new(RejectionCodes.BalanceOverflow, $"Depositing {amount} cents onto {balance} cents exceeds the largest representable balance.");
}

/// <summary>Stable rejection codes. Clients match on these strings, so they never change once released.</summary>
public static class RejectionCodes
{
    public const string AccountNotFound = "account_not_found";
    public const string AccountAlreadyExists = "account_already_exists";
    public const string SequenceConflict = "sequence_conflict";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string InsufficientFunds = "insufficient_funds";
    public const string AccountLocked = "account_locked";
    public const string AccountAlreadyLocked = "account_already_locked";
    public const string AccountNotLocked = "account_not_locked";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string InvalidAmount = "invalid_amount";
    public const string InvalidOverdraft = "invalid_overdraft";
    public const string BalanceOverflow = "balance_overflow";
}
