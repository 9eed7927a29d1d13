using BankLedger.Api.Problems;

namespace BankLedger.Api.Tests.Support;

internal static class Expect
{
    /// <summary>Parses and asserts a 400 with <paramref name="code"/> whose detail names <paramref name="path"/>.</summary>
    public static ApiProblem Problem(string action, string json, string code, string? path = null)
    {
        var problem = Bodies.Problem(action, json);
        Assert.Equal(code, problem.Code);
        Assert.Equal(400, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        if (path is not null) Assert.Contains(path, problem.Detail, StringComparison.Ordinal);
        return problem;
    }
}
