using System.Diagnostics.CodeAnalysis;
using BankLedger.Api.Problems;

namespace BankLedger.Api.Requests;

/// <summary>
/// The outcome of parsing client input: either a <see cref="Value"/> or the <see cref="Problem"/> to answer with.
/// Exactly one of the two is meaningful; check <see cref="IsSuccess"/> first.
/// </summary>
public sealed class ParseResult<T>
{
    private readonly T? _value;

    private ParseResult(T? value, ApiProblem? problem, bool isSuccess)
    {
        _value = value;
        Problem = problem;
        IsSuccess = isSuccess;
    }

    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsSuccess { get; }

    /// <summary>The parsed value. Throws when the result is a failure.</summary>
    public T Value => IsSuccess
        ? _value!
        : throw new InvalidOperationException($"no value: parsing failed with '{Problem.Code}'");

    /// <summary>The problem to answer with, or null on success.</summary>
    public ApiProblem? Problem { get; }

    public static ParseResult<T> Success(T value) => new(value, null, true);

    public static ParseResult<T> Failure(ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new(default, problem, false);
    }

    /// <summary>Pattern-friendly access: <c>if (!result.TryGetValue(out var v, out var problem)) return problem;</c></summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = _value;
        problem = Problem;
        return IsSuccess;
    }

    public static implicit operator ParseResult<T>(ApiProblem problem) => Failure(problem);

    public override string ToString() => IsSuccess ? $"Success({_value})" : $"Failure({Problem.Code}: {Problem.Detail})";
}

/// <summary>Factory helpers that infer <c>T</c>.</summary>
public static class ParseResult
{
    public static ParseResult<T> Success<T>(T value) => ParseResult<T>.Success(value);

    public static ParseResult<T> Failure<T>(ApiProblem problem) => ParseResult<T>.Failure(problem);
}
