using BankLedger.Api.Requests;
using BankLedger.Domain;

namespace BankLedger.Api.Tests;

public sealed class QueryParametersTests
{
    private static readonly AccountId Account = AccountId.Parse("acc-998811");

    [Fact]
    public void A_missing_limit_defaults_to_fifty()
    {
        var result = QueryParameters.ParseLimit(null);

        Assert.True(result.IsSuccess);
        Assert.Equal(50, result.Value);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("50", 50)]
    [InlineData("500", 500)]
    [InlineData("007", 7)]
    public void A_limit_between_one_and_five_hundred_is_accepted(string raw, int expected)
    {
        Assert.Equal(expected, QueryParameters.ParseLimit(raw).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("1.5")]
    [InlineData("1e2")]
    [InlineData("abc")]
    [InlineData("٥")]
    [InlineData("99999999999999999999999")]
    public void Any_other_limit_is_invalid_limit(string raw)
    {
        var result = QueryParameters.ParseLimit(raw);

        Assert.False(result.IsSuccess);
        Assert.Equal(RequestProblemCodes.InvalidLimit, result.Problem.Code);
        Assert.Equal(400, result.Problem.Status);
        Assert.Contains("limit", result.Problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void A_missing_or_non_negative_min_sequence_is_accepted(string? raw, long? expected)
    {
        Assert.Equal(expected, QueryParameters.ParseMinSequence(raw).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1.0")]
    [InlineData("x")]
    [InlineData("9223372036854775808")]
    public void A_negative_or_non_integer_min_sequence_is_invalid_min_sequence(string raw)
    {
        var result = QueryParameters.ParseMinSequence(raw);

        Assert.Equal(RequestProblemCodes.InvalidMinSequence, result.Problem!.Code);
        Assert.Contains("min_sequence", result.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_cursor_is_null_and_a_valid_cursor_decodes()
    {
        Assert.Null(QueryParameters.ParseCursor(null).Value);
        Assert.Equal(17L, QueryParameters.ParseCursor(HistoryCursor.Encode(17)).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("aGMxfDA")] // hc1|0
    public void An_undecodable_cursor_is_invalid_cursor(string raw)
    {
        Assert.Equal(RequestProblemCodes.InvalidCursor, QueryParameters.ParseCursor(raw).Problem!.Code);
    }

    [Theory]
    [InlineData("acc-1")]
    [InlineData("A.b_c:d-9")]
    public void A_valid_path_account_id_parses(string raw)
    {
        Assert.Equal(raw, QueryParameters.ParseAccountId(raw).Value.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acc 1")]
    [InlineData("acc/1")]
    public void An_invalid_path_account_id_is_invalid_id(string? raw)
    {
        Assert.Equal(RequestProblemCodes.InvalidId, QueryParameters.ParseAccountId(raw).Problem!.Code);
    }

    [Fact]
    public void Without_min_sequence_or_token_there_is_no_required_minimum()
    {
        var result = QueryParameters.ResolveMinimumSequence(Account, null, null);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Min_sequence_alone_is_the_required_minimum()
    {
        Assert.Equal(7L, QueryParameters.ResolveMinimumSequence(Account, "7", null).Value);
    }

    [Fact]
    public void A_consistency_token_for_the_path_account_alone_is_the_required_minimum()
    {
        var token = ConsistencyToken.Format(Account, 9);

        Assert.Equal(9L, QueryParameters.ResolveMinimumSequence(Account, null, token).Value);
        Assert.Equal(9L, QueryParameters.ParseConsistencyToken(Account, token).Value);
    }

    [Theory]
    [InlineData("3", 9L, 9L)]
    [InlineData("12", 9L, 12L)]
    [InlineData("9", 9L, 9L)]
    [InlineData("0", 0L, 0L)]
    public void With_both_min_sequence_and_a_token_the_larger_is_required(string minSequence, long tokenSequence, long expected)
    {
        var token = ConsistencyToken.Format(Account, tokenSequence);

        Assert.Equal(expected, QueryParameters.ResolveMinimumSequence(Account, minSequence, token).Value);
    }

    [Fact]
    public void A_consistency_token_for_another_account_is_invalid_consistency_token()
    {
        var token = ConsistencyToken.Format(AccountId.Parse("acc-other"), 9);

        var result = QueryParameters.ResolveMinimumSequence(Account, "1", token);

        Assert.Equal(RequestProblemCodes.InvalidConsistencyToken, result.Problem!.Code);
        Assert.Contains("different account", result.Problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("acc-998811|9")]
    public void A_garbage_consistency_token_is_invalid_consistency_token(string token)
    {
        var result = QueryParameters.ResolveMinimumSequence(Account, null, token);

        Assert.Equal(RequestProblemCodes.InvalidConsistencyToken, result.Problem!.Code);
        Assert.Contains(QueryParameters.ConsistencyTokenHeader, result.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_min_sequence_is_reported_before_an_invalid_token()
    {
        var result = QueryParameters.ResolveMinimumSequence(Account, "-1", "garbage");

        Assert.Equal(RequestProblemCodes.InvalidMinSequence, result.Problem!.Code);
    }
}
