using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankLedger.Bench.Crud;

/// <summary>
/// The conventional design the product compares itself to: one balance row per account, each command one
/// guarded <c>UPDATE accounts SET balance = balance + @x WHERE ... AND balance + @x >= -overdraft</c> in its own
/// transaction, committed with the same durability as the ledger's journal (SQLite WAL + synchronous=FULL,
/// or PostgreSQL with fsync and synchronous_commit on). Same HTTP shapes as the ledger, no event history,
/// no idempotency, no projection. Runs as its own process, started by the harness:
/// <c>BankLedger.Bench crud-server --urls=http://127.0.0.1:PORT --store sqlite|postgresql --db PATH|CONN --accounts N</c>.
/// </summary>
internal static class CrudServer
{
    public const string Mode = "crud-server";

    public static async Task<int> RunAsync(string[] args)
    {
        string? urls = null, store = null, db = null;
        var accounts = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--urls=", StringComparison.Ordinal)) urls = args[i]["--urls=".Length..];
            else if (args[i] == "--store") store = args[++i];
            else if (args[i] == "--db") db = args[++i];
            else if (args[i] == "--accounts") accounts = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
        }
        if (urls is null || store is null || db is null)
        {
            await Console.Error.WriteLineAsync("crud-server: --urls=, --store and --db are required");
            return 2;
        }

        await using ICrudStore accountsStore = store == "sqlite" ? new SqliteCrudStore(db) : new PostgresCrudStore(db);
        await accountsStore.InitializeAsync(accounts);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CrudJson.Default));
        var app = builder.Build();

        app.MapGet("/health", () => Results.Ok(new CrudHealth("ok")));
        app.MapPost("/v1/commands/accounts/{action}", async (string action, HttpRequest request) =>
        {
            CrudCommand? command;
            try
            {
                command = await JsonSerializer.DeserializeAsync(request.Body, CrudJson.Default.CrudCommand);
            }
            catch (JsonException)
            {
                return Problem(400, "malformed_json");
            }
            if (command?.AggregateId is null || command.Payload is null) return Problem(400, "missing_field");
            var payload = command.Payload;
            switch (action)
            {
                case "open":
                    if (payload.Currency is not { Length: 3 }) return Problem(400, "invalid_currency");
                    return await accountsStore.OpenAsync(command.AggregateId, payload.Currency, payload.OverdraftLimitCents, payload.Owner)
                        ? Results.Ok(new CrudBalance(command.AggregateId, 0))
                        : Problem(409, "account_already_exists");
                case "deposit" or "withdraw":
                    if (payload.AmountCents is < 1 or > 1_000_000_000_000) return Problem(400, "invalid_amount");
                    if (payload.Currency is not { Length: 3 }) return Problem(400, "invalid_currency");
                    var delta = action == "deposit" ? payload.AmountCents : -payload.AmountCents;
                    var outcome = await accountsStore.MoveAsync(command.AggregateId, payload.Currency, delta);
                    return outcome.Balance is { } balance
                        ? Results.Ok(new CrudBalance(command.AggregateId, balance))
                        : Problem(outcome.Code == "account_not_found" ? 404 : 422, outcome.Code!);
                default:
                    return Problem(404, "unknown_action");
            }
        });
        app.MapGet("/v1/queries/accounts/{id}/balance", async (string id) =>
            await accountsStore.BalanceAsync(id) is { } balance ? Results.Ok(new CrudBalance(id, balance)) : Problem(404, "account_not_found"));

        await app.RunAsync();
        return 0;
    }

    private static IResult Problem(int status, string code) => Results.Json(new CrudProblem(code), CrudJson.Default.CrudProblem, statusCode: status);
}

/// <summary>Result of a guarded balance change: the new balance, or the reason it was refused.</summary>
internal readonly record struct MoveOutcome(long? Balance, string? Code);

internal interface ICrudStore : IAsyncDisposable
{
    Task InitializeAsync(int accounts);
    Task<bool> OpenAsync(string id, string currency, long overdraftLimitCents, string? owner);
    Task<MoveOutcome> MoveAsync(string id, string currency, long deltaCents);
    Task<long?> BalanceAsync(string id);
}

internal sealed record CrudPayload(long AmountCents, string? Currency, string? Reference, long OverdraftLimitCents, string? Owner);

internal sealed record CrudCommand(string? CommandId, string? CommandType, string? AggregateId, CrudPayload? Payload, DateTimeOffset? CreatedAt);

internal sealed record CrudBalance(string AggregateId, long BalanceCents);

internal sealed record CrudProblem(string Code);

internal sealed record CrudHealth(string Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CrudCommand))]
[JsonSerializable(typeof(CrudBalance))]
[JsonSerializable(typeof(CrudProblem))]
[JsonSerializable(typeof(CrudHealth))]
internal sealed partial class CrudJson : JsonSerializerContext;
