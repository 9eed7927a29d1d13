using System.Buffers;
using BankLedger.Api.Problems;
using BankLedger.Api.Requests;
using BankLedger.Ledger;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace BankLedger.Api;

/// <summary><c>POST /v1/commands/accounts/{action}</c>: validate, send to the account's writer, answer once durable.</summary>
public static class CommandEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapCommandEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/commands/accounts/{action}", HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(string action, HttpContext context, ICommandGateway gateway)
    {
        if (CommandRequestParser.CommandTypeForAction(action) is null)
            return CommandRequestParser.UnknownAction(action).ToResult(context);
        if (!IsJson(context.Request.ContentType))
            return ProblemResponses.UnsupportedMediaType(context.Request.ContentType).ToResult(context);

        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null) return ProblemResponses.PayloadTooLarge(MaxBodyBytes).ToResult(context);

        var parsed = CommandRequestParser.Parse(action, body);
        if (!parsed.IsSuccess) return parsed.Problem.ToResult(context);

        CommandReply reply;
        try
        {
            reply = await gateway.SendAsync(parsed.Value, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            return ProblemResponses.LedgerUnavailable(
                "The account did not answer in time; the command may or may not have been applied. Retry with the same command_id: it is idempotent.")
                .ToResult(context);
        }

        return reply switch
        {
            CommandAccepted { Response: var r } => Results.Json(new CommandAcceptedResponse(
                r.CommandId.Value, r.AccountId.Value, r.Sequence, r.EventType, r.BalanceAfterCents, r.OccurredAt,
                ConsistencyToken.Format(r.AccountId, r.Sequence)), ApiJson.Options),
            CommandRejected { Rejection: var rejection } => ProblemResponses.FromRejection(rejection).ToResult(context),
            CommandFailed { Reason: var reason } => ProblemResponses.LedgerUnavailable(
                reason + " Nothing was applied; retry with the same command_id.").ToResult(context),
            _ => ProblemResponses.Internal().ToResult(context),
        };
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        // charset="utf-8" (quoted) means the same as charset=utf-8 (RFC 9110 §5.6.6).
        && (media.Charset.Length == 0 || HeaderUtilities.RemoveQuotes(media.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads at most <see cref="MaxBodyBytes"/>; null when the body is larger (→ 413), however it is framed.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        // A pooled buffer with room for one byte more than the limit, so a body over the limit shows as a full
        // buffer. Bodies are a few hundred bytes: the fresh 8 KB chunk and growing MemoryStream this replaces were
        // ~12% of all bytes a deposit allocated, and the allocation rate sets how often a GC pauses every request.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= MaxBodyBytes
                   && (read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBodyBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }
            return length > MaxBodyBytes ? null : buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
