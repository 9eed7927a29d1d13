using System.Globalization;
using BankLedger.Api.Problems;
using BankLedger.Domain;

namespace BankLedger.Api.Requests;

/// <summary>
/// Parsing of query-string values and headers for the read endpoints. A <c>null</c> raw value means
/// "not supplied"; any other value, including the empty string, must be valid.
/// </summary>
public static class QueryParameters
{
    public const int DefaultLimit = 50;
    public const int MinLimit = 1;
    public const int MaxLimit = 500;

    /// <summary>Name of the request header carrying a <see cref="ConsistencyToken"/>.</summary>
    public const string ConsistencyTokenHeader = "X-Consistency-Token";

    /// <summary>An account id from the route; invalid → <c>invalid_id</c>.</summary>
    public static ParseResult<AccountId> ParseAccountId(string? raw) =>
        AccountId.TryParse(raw, out var id)
            ? ParseResult.Success(id)
            : ApiProblem.BadRequest(RequestProblemCodes.InvalidId,
                $"the account id must be 1 to {Identifier.MaxLength} characters of [A-Za-z0-9._:-]");

    /// <summary><c>limit</c>: absent → <see cref="DefaultLimit"/>; otherwise a decimal integer 1..500, else <c>invalid_limit</c>.</summary>
    public static ParseResult<int> ParseLimit(string? raw)
    {
        if (raw is null) return ParseResult.Success(DefaultLimit);
        return TryParseDecimal(raw, out var value) && value is >= MinLimit and <= MaxLimit
            ? ParseResult.Success((int)value)
            : ApiProblem.BadRequest(RequestProblemCodes.InvalidLimit, $"limit must be an integer between {MinLimit} and {MaxLimit}");
    }

    /// <summary><c>min_sequence</c>: absent → null; otherwise a decimal integer ≥ 0, else <c>invalid_min_sequence</c>.</summary>
    public static ParseResult<long?> ParseMinSequence(string? raw)
    {
        if (raw is null) return ParseResult.Success<long?>(null);
        return TryParseDecimal(raw, out var value)
            ? ParseResult.Success<long?>(value)
            : ApiProblem.BadRequest(RequestProblemCodes.InvalidMinSequence, "min_sequence must be an integer >= 0");
    }

    /// <summary><c>cursor</c>: absent → null; otherwise a <see cref="HistoryCursor"/>, else <c>invalid_cursor</c>.</summary>
    public static ParseResult<long?> ParseCursor(string? raw)
    {
        if (raw is null) return ParseResult.Success<long?>(null);
        return HistoryCursor.TryDecode(raw, out var before)
            ? ParseResult.Success<long?>(before)
            : ApiProblem.BadRequest(RequestProblemCodes.InvalidCursor, "cursor is not a cursor issued by this API");
    }

    /// <summary>
    /// <c>X-Consistency-Token</c>: absent → null; otherwise a <see cref="ConsistencyToken"/> for
    /// <paramref name="pathAccount"/>, else <c>invalid_consistency_token</c> (also when issued for another account).
    /// </summary>
    public static ParseResult<long?> ParseConsistencyToken(AccountId pathAccount, string? raw)
    {
        if (raw is null) return ParseResult.Success<long?>(null);
        if (!ConsistencyToken.TryParse(raw, out var account, out var sequence))
        {
            return ApiProblem.BadRequest(RequestProblemCodes.InvalidConsistencyToken,
                $"the {ConsistencyTokenHeader} header is not a token issued by this API");
        }
        if (account != pathAccount)
        {
            return ApiProblem.BadRequest(RequestProblemCodes.InvalidConsistencyToken,
                $"the {ConsistencyTokenHeader} header was issued for a different account");
        }
        return ParseResult.Success<long?>(sequence);
    }

    /// <summary>
    /// The minimum sequence a read must reflect: the larger of <c>min_sequence</c> and the consistency
    /// token's sequence, whichever are supplied; null when neither is. <c>min_sequence</c> is checked first.
    /// </summary>
    public static ParseResult<long?> ResolveMinimumSequence(AccountId pathAccount, string? rawMinSequence, string? rawConsistencyToken)
    {
        var fromQuery = ParseMinSequence(rawMinSequence);
        if (!fromQuery.IsSuccess) return fromQuery;
        var fromToken = ParseConsistencyToken(pathAccount, rawConsistencyToken);
        if (!fromToken.IsSuccess) return fromToken;

        var (a, b) = (fromQuery.Value, fromToken.Value);
        return ParseResult.Success(a is null ? b : b is null ? a : Math.Max(a.Value, b.Value));
    }

    /// <summary>ASCII digits only (no sign, spaces or separators), fitting in a long.</summary>
    private static bool TryParseDecimal(string raw, out long value)
    {
        value = 0;
        if (raw.Length == 0) return false;
        foreach (var c in raw)
        {
            if (c is < '0' or > '9') return false;
        }
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
