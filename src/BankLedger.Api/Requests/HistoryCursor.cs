namespace BankLedger.Api.Requests;

/// <summary>
/// Paging cursor for account history: "continue with entries whose sequence is below N".
/// Opaque to clients (base64url of a versioned text <c>hc1|{beforeSequence}</c>).
/// </summary>
public static class HistoryCursor
{
    private const string Prefix = "hc1|";

    public static string Encode(long beforeSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beforeSequence);
        return OpaqueToken.Encode(Prefix + OpaqueToken.Format(beforeSequence));
    }

    /// <summary>False for null, garbage, another version, or a value that is not a positive integer.</summary>
    public static bool TryDecode(string? cursor, out long beforeSequence)
    {
        beforeSequence = 0;
        if (!OpaqueToken.TryDecode(cursor, out var text) || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (!OpaqueToken.TryParseCanonicalNonNegative(text.AsSpan(Prefix.Length), out var value) || value <= 0) return false;
        beforeSequence = value;
        return true;
    }
}
