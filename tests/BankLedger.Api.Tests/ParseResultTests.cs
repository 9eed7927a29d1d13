using BankLedger.Api.Problems;
using BankLedger.Api.Requests;

namespace BankLedger.Api.Tests;

public sealed class ParseResultTests
{
    [Fact]
    public void A_success_has_a_value_and_no_problem()
    {
        var result = ParseResult.Success(5);

        Assert.True(result.IsSuccess);
        Assert.Equal(5, result.Value);
        Assert.Null(result.Problem);
        Assert.True(result.TryGetValue(out var value, out var problem));
        Assert.Equal(5, value);
        Assert.Null(problem);
    }

    [Fact]
    public void A_failure_has_a_problem_and_reading_its_value_throws()
    {
        ParseResult<int> result = ApiProblem.BadRequest("invalid_limit", "limit must be between 1 and 500");

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_limit", result.Problem.Code);
        Assert.Throws<InvalidOperationException>(() => result.Value);
        Assert.False(result.TryGetValue(out _, out var problem));
        Assert.Same(result.Problem, problem);
    }
}
