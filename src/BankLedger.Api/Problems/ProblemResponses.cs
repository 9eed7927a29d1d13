using System.Text.Json;
using BankLedger.Domain;
using Microsoft.AspNetCore.Http;

namespace BankLedger.Api.Problems;

/// <summary>The one place problems become HTTP: RFC 9457 <c>application/problem+json</c> with a stable <c>code</c>.</summary>
public static class ProblemResponses
{
    public const string ContentType = "application/problem+json";

    public static IResult ToResult(this ApiProblem problem, HttpContext? context = null) =>
        Results.Json(Body(problem, context), ApiJson.Options, ContentType, problem.Status);

    public static Task WriteAsync(HttpContext context, ApiProblem problem)
    {
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, Body(problem, context), ApiJson.Options, context.RequestAborted);
    }

    private static Dictionary<string, object?> Body(ApiProblem problem, HttpContext? context) => new()
    {
        ["type"] = "urn:bankledger:problem:" + problem.Code,
        ["title"] = problem.Title,
        ["status"] = problem.Status,
        ["detail"] = problem.Detail,
        ["code"] = problem.Code,
        ["instance"] = context?.Request.Path.Value,
    };

    /// <summary>Business-rule rejections from the domain, mapped once: conflicts 409, missing 404, rule breaks 422.</summary>
    public static ApiProblem FromRejection(Rejection rejection) => rejection.Code switch
    {
        RejectionCodes.AccountNotFound => new(404, rejection.Code, "Account not found", rejection.Detail),
        RejectionCodes.AccountAlreadyExists => new(409, rejection.Code, "Account already exists", rejection.Detail),
        RejectionCodes.SequenceConflict => new(409, rejection.Code, "Sequence conflict", rejection.Detail),
        RejectionCodes.IdempotencyKeyReused => new(409, rejection.Code, "Idempotency key reused", rejection.Detail),
        RejectionCodes.InvalidAmount or RejectionCodes.InvalidOverdraft => ApiProblem.BadRequest(rejection.Code, rejection.Detail),
        _ => new(422, rejection.Code, "Command rejected", rejection.Detail),
    };

    public static ApiProblem LedgerUnavailable(string detail) => new(503, "ledger_unavailable", "Ledger unavailable", detail);

    public static ApiProblem ReadStoreUnavailable() =>
        new(503, "read_store_unavailable", "Read store unavailable",
            "The read model cannot be reached right now; the ledger keeps accepting commands and the projection catches up when it returns. Retry later.");

    public static ApiProblem PayloadTooLarge(int limit) =>
        new(413, "payload_too_large", "Payload too large", $"Command bodies are limited to {limit} bytes.");

    public static ApiProblem UnsupportedMediaType(string? contentType) =>
        new(415, "unsupported_media_type", "Unsupported media type",
            $"Send the command as application/json (got '{contentType ?? "no content type"}').");

    public static ApiProblem NotFound(string path) => new(404, "not_found", "Not found", $"No endpoint at '{path}'.");

    public static ApiProblem MethodNotAllowed(string method, string path) =>
        new(405, "method_not_allowed", "Method not allowed", $"{method} is not supported on '{path}'.");

    public static ApiProblem Internal() =>
        new(500, "internal_error", "Internal error", "The server failed to process the request; it has been logged.");
}
