namespace BankLedger.Domain;

/// <summary>An ISO-4217 alphabetic currency code: exactly three uppercase ASCII letters.</summary>
public readonly record struct Currency
{
    public string Code { get; }

    private Currency(string code) => Code = code;

    public static bool TryParse(string? code, out Currency currency)
    {
        var ok = code is { Length: 3 } && code.All(c => c is >= 'A' and <= 'Z');
        currency = ok ? new Currency(code!) : default;
        return ok;
    }

    public static Currency Parse(string code) =>
        TryParse(code, out var c) ? c : throw new ArgumentException($"invalid currency '{code}'", nameof(code));

    public override string ToString() => Code;
}

/// <summary>
/// Limits on money the ledger accepts. Amounts are <c>long</c> minor units (cents); never floating point.
/// </summary>
public static class MoneyRules
{
    /// <summary>Largest single deposit or withdrawal: 10 billion in major units.</summary>
    public const long MaxAmountCents = 1_000_000_000_000;

    /// <summary>Largest overdraft an account may be opened with (same bound as a single amount).</summary>
    public const long MaxOverdraftCents = MaxAmountCents;

    public static bool IsValidAmount(long cents) => cents is >= 1 and <= MaxAmountCents;

    public static bool IsValidOverdraft(long cents) => cents is >= 0 and <= MaxOverdraftCents;
}
