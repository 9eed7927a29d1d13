using BankLedger.Domain;

namespace BankLedger.Api.Requests;

/// <summary>
/// Read-your-writes token handed out after a command: "this account had reached sequence N".
/// Opaque to clients (base64url of a versioned text <c>ct1|{account}|{sequence}</c>); only this class
/// knows the layout, so it can change with a new version tag.
/// </summary>
public static class ConsistencyToken
{
    private const string Version = "ct1";

    public static string Format(AccountId account, long sequence)
    {
        if (account.Value is null) throw new ArgumentException("account id is the default (empty) value", nameof(account));
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return OpaqueToken.Encode($"{Version}|{account.Value}|{OpaqueToken.Format(sequence)}");
    }

    /// <summary>False for null, garbage, another version, an invalid account id or a negative/non-canonical sequence.</summary>
    public static bool TryParse(string? token, out AccountId account, out long sequence)
    {
        account = default;
        sequence = 0;
        if (!OpaqueToken.TryDecode(token, out var text)) return false;

        var parts = text.Split('|');
        if (parts.Length != 3 || !string.Equals(parts[0], Version, StringComparison.Ordinal)) return false;
        if (!AccountId.TryParse(parts[1], out var parsedAccount)) return false;
        if (!OpaqueToken.TryParseCanonicalNonNegative(parts[2], out var parsedSequence)) return false;

        account = parsedAccount;
        sequence = parsedSequence;
        return true;
    }
}
