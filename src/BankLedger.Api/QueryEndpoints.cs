using BankLedger.Api.Problems;
using BankLedger.Api.Requests;
using BankLedger.Domain;
using BankLedger.Projections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BankLedger.Api;

/// <summary>Query-side settings the endpoints need.</summary>
public sealed record QueryOptions(TimeSpan ReadYourWritesTimeout);

/// <summary><c>GET /v1/queries/accounts/{id}/...</c>: served from the read store only, never from the actors.</summary>
public static class QueryEndpoints
{
    public const string ConsistencyTokenHeader = "X-Consistency-Token";

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/queries/accounts/{id}/balance", GetBalanceAsync);
        endpoints.MapGet("/v1/queries/accounts/{id}/transactions", GetTransactionsAsync);
        return endpoints;
    }

    private static async Task<IResult> GetBalanceAsync(
        string id, HttpContext context, IReadStore store, ReadModelChanges changes, QueryOptions options)
    {
        var (account, view, problem) = await LoadAsync(id, context, store, changes, options);
        if (problem is not null) return problem.ToResult(context);
        return Results.Json(new BalanceResponse(
            account.Value, view!.BalanceCents, view.Currency.Code, view.LastSequence, view.LastUpdatedAt,
            view.Status == AccountStatus.Locked ? "locked" : "open"), ApiJson.Options);
    }

    private static async Task<IResult> GetTransactionsAsync(
        string id, HttpContext context, IReadStore store, ReadModelChanges changes, QueryOptions options)
    {
        var query = context.Request.Query;
        var limit = QueryParameters.ParseLimit(query["limit"]);
        if (!limit.IsSuccess) return limit.Problem.ToResult(context);
        var cursor = QueryParameters.ParseCursor(query["cursor"]);
        if (!cursor.IsSuccess) return cursor.Problem.ToResult(context);

        var (account, _, problem) = await LoadAsync(id, context, store, changes, options);
        if (problem is not null) return problem.ToResult(context);

        var page = await store.GetTransactionsAsync(account, limit.Value, cursor.Value, context.RequestAborted);
        var items = page.Items.Select(t => new TransactionResponse(
            t.Sequence, t.EventType, t.AmountCents, t.Currency.Code, t.Reference, t.BalanceAfterCents,
            t.CommandId.Value, t.OccurredAt, t.ClientCreatedAt)).ToArray();
        var next = page.NextBeforeSequence is { } before ? HistoryCursor.Encode(before) : null;
        return Results.Json(new TransactionsResponse(account.Value, items, next), ApiJson.Options);
    }

    /// <summary>Validates the id and consistency inputs, then waits (bounded) until the view is recent enough.</summary>
    private static async Task<(AccountId Account, AccountView? View, ApiProblem? Problem)> LoadAsync(
        string id, HttpContext context, IReadStore store, ReadModelChanges changes, QueryOptions options)
    {
        var account = QueryParameters.ParseAccountId(id);
        if (!account.IsSuccess) return (default, null, account.Problem);
        var minimum = QueryParameters.ResolveMinimumSequence(
            account.Value, context.Request.Query["min_sequence"], context.Request.Headers[ConsistencyTokenHeader]);
        if (!minimum.IsSuccess) return (account.Value, null, minimum.Problem);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(options.ReadYourWritesTimeout);
        while (true)
        {
            var view = await store.GetAccountAsync(account.Value, context.RequestAborted);
            if (minimum.Value is not { } required || view?.LastSequence >= required)
            {
                return view is null
                    ? (account.Value, null, new ApiProblem(404, RejectionCodes.AccountNotFound, "Account not found", $"Account '{account.Value}' does not exist."))
                    : (account.Value, view, null);
            }
            try
            {
                await changes.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                return (account.Value, null, new ApiProblem(504, "projection_lagging", "Projection lagging",
                    $"The read model has not reached sequence {required} of '{account.Value}' within {options.ReadYourWritesTimeout.TotalMilliseconds:0} ms (it is at {view?.LastSequence ?? 0}). Retry later."));
            }
        }
    }
}
