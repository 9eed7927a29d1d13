namespace BankLedger.Domain;

/// <summary>Rules shared by every identifier the ledger accepts from clients (account ids, command ids).</summary>
public static class Identifier
{
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="value"/> is 1..64 characters of <c>[A-Za-z0-9._:-]</c>.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return false;
        foreach (var c in value)
        {
            var ok = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or ':' or '-';
            if (!ok) return false;
        }
        return true;
    }
}

/// <summary>An account's identity (the aggregate id). Always valid once constructed.</summary>
public readonly record struct AccountId
{
    public string Value { get; }

    private AccountId(string value) => Value = value;

    public static AccountId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new ArgumentException($"invalid account id '{value}'", nameof(value));

    public static bool TryParse(string? value, out AccountId id)
    {
        id = Identifier.IsValid(value) ? new AccountId(value!) : default;
        return id.Value is not null;
    }

    public override string ToString() => Value;
}

/// <summary>A client-chosen command id: the idempotency key within one account.</summary>
public readonly record struct CommandId
{
    public string Value { get; }

    private CommandId(string value) => Value = value;

    public static CommandId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new ArgumentException($"invalid command id '{value}'", nameof(value));

    public static bool TryParse(string? value, out CommandId id)
    {
        id = Identifier.IsValid(value) ? new CommandId(value!) : default;
        return id.Value is not null;
    }

    public override string ToString() => Value;
}
