using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests.Http;

/// <summary>
/// One whole ledger node shared by every test of a class (starting a node costs seconds). Tests keep out of
/// each other's way by using fresh account ids (<see cref="Ids"/>).
/// </summary>
public abstract class LedgerAppFixture : IAsyncLifetime
{
    private LedgerApp? _app;

    protected abstract JournalKind Journal { get; }

    /// <summary>
    /// Generous waits so a loaded machine does not turn into 503/504 answers; tests that want a short wait
    /// override this (see <see cref="ShortReadYourWritesLedgerFixture"/>).
    /// </summary>
    protected virtual IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["Ledger:Http:ReadYourWritesTimeout"] = "00:00:10",
        ["Ledger:Http:CommandTimeout"] = "00:00:15",
    };

    public LedgerApp App => _app ?? throw new InvalidOperationException("The node has not started.");

    public HttpClient CreateClient() => App.CreateClient();

    public async Task InitializeAsync() => _app = await LedgerApp.StartAsync(Journal, Overrides);

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

public sealed class SqliteLedgerFixture : LedgerAppFixture
{
    protected override JournalKind Journal => JournalKind.Sqlite;
}

public sealed class PostgreSqlLedgerFixture : LedgerAppFixture
{
    protected override JournalKind Journal => JournalKind.PostgreSql;
}

/// <summary>A SQLite node whose queries give up waiting for the projection after 300 ms (fast 504 tests).</summary>
public sealed class ShortReadYourWritesLedgerFixture : LedgerAppFixture
{
    protected override JournalKind Journal => JournalKind.Sqlite;

    protected override IDictionary<string, string> Overrides =>
        new Dictionary<string, string>(base.Overrides) { ["Ledger:Http:ReadYourWritesTimeout"] = "00:00:00.300" };
}

/// <summary>Unique, valid identifiers (≤ 64 characters of [A-Za-z0-9._:-]).</summary>
public static class Ids
{
    public static string Account() => $"acc-{Guid.NewGuid():N}";

    public static string Command() => $"cmd-{Guid.NewGuid():N}";
}

/// <summary>
/// Valid command bodies as mutable JSON trees, so a test can break exactly one thing:
/// <c>Bodies.Deposit(acc, cmd, 5).Set("payload.amount_cents", "\"5\"")</c>.
/// </summary>
public static class Bodies
{
    public const string CreatedAt = "2026-05-23T10:00:00Z";

    public static JsonObject Open(string account, string commandId, string currency = "USD", long overdraft = 0) => new()
    {
        ["command_id"] = commandId,
        ["command_type"] = "OPEN_ACCOUNT",
        ["aggregate_id"] = account,
        ["payload"] = new JsonObject { ["currency"] = currency, ["overdraft_limit_cents"] = overdraft, ["owner"] = "Ada" },
        ["created_at"] = CreatedAt,
    };

    public static JsonObject Deposit(string account, string commandId, long amount, string currency = "USD") =>
        Money("DEPOSIT_FUNDS", account, commandId, amount, currency);

    public static JsonObject Withdraw(string account, string commandId, long amount, string currency = "USD") =>
        Money("WITHDRAW_FUNDS", account, commandId, amount, currency);

    public static JsonObject Lock(string account, string commandId) => new()
    {
        ["command_id"] = commandId,
        ["command_type"] = "LOCK_ACCOUNT",
        ["aggregate_id"] = account,
        ["payload"] = new JsonObject { ["reason"] = "test" },
        ["created_at"] = CreatedAt,
    };

    public static JsonObject Unlock(string account, string commandId) => new()
    {
        ["command_id"] = commandId,
        ["command_type"] = "UNLOCK_ACCOUNT",
        ["aggregate_id"] = account,
        ["created_at"] = CreatedAt,
    };

    private static JsonObject Money(string type, string account, string commandId, long amount, string currency) => new()
    {
        ["command_id"] = commandId,
        ["command_type"] = type,
        ["aggregate_id"] = account,
        ["payload"] = new JsonObject { ["amount_cents"] = amount, ["currency"] = currency, ["reference"] = "test" },
        ["created_at"] = CreatedAt,
    };

    /// <summary>Sets the property at a dotted <paramref name="path"/> to the raw JSON <paramref name="rawJson"/>.</summary>
    public static JsonObject Set(this JsonObject body, string path, string rawJson)
    {
        var (parent, name) = Navigate(body, path);
        parent[name] = JsonNode.Parse(rawJson);
        return body;
    }

    /// <summary>Removes the property at a dotted <paramref name="path"/>.</summary>
    public static JsonObject Without(this JsonObject body, string path)
    {
        var (parent, name) = Navigate(body, path);
        Assert.True(parent.Remove(name), $"{path} is not in the body");
        return body;
    }

    private static (JsonObject Parent, string Name) Navigate(JsonObject root, string path)
    {
        var parts = path.Split('.');
        var parent = root;
        foreach (var part in parts[..^1]) parent = parent[part]!.AsObject();
        return (parent, parts[^1]);
    }
}

/// <summary>HTTP helpers beyond <see cref="LedgerHttp"/>: raw bodies, content types, history, sequences.</summary>
public static class HttpExtras
{
    public static readonly string[] BalanceShape =
        ["aggregate_id", "current_balance_cents", "currency", "last_updated_sequence", "last_updated_at", "status"];

    public static readonly string[] CommandShape =
        ["command_id", "aggregate_id", "sequence", "event_type", "balance_cents", "occurred_at", "consistency_token"];

    public static readonly string[] TransactionShape =
    [
        "sequence", "event_type", "amount_cents", "currency", "reference", "balance_after_cents", "command_id",
        "occurred_at", "created_at",
    ];

    private static readonly Regex Rfc3339Pattern = new(
        @"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant);

    public static Task<HttpResponseMessage> PostCommandAsync(this HttpClient client, string action, JsonObject body) =>
        client.PostCommandAsync(action, body.ToJsonString());

    /// <summary>Posts bytes exactly as given, with the given content type (none when null).</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string action, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return client.PostAsync($"/v1/commands/accounts/{action}", content);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string action, string body, string? contentType = "application/json") =>
        client.PostRawAsync(action, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>The sequence of an accepted (200) command.</summary>
    public static async Task<long> SequenceAsync(this Task<HttpResponseMessage> pending) =>
        (await pending.ExpectAsync(200)).GetProperty("sequence").GetInt64();

    /// <summary>
    /// Proves a rejected or refused command left no trace: a 1-cent deposit (the next accepted command) gets
    /// <paramref name="lastSequence"/> + 1.
    /// </summary>
    public static async Task AssertNothingPersistedAsync(this HttpClient client, string account, long lastSequence)
    {
        var next = await client.DepositAsync(account, Ids.Command(), 1).SequenceAsync();
        Assert.Equal(lastSequence + 1, next);
    }

    /// <summary>Opens a fresh USD account and returns its id.</summary>
    public static async Task<string> OpenNewAccountAsync(this HttpClient client, long overdraft = 0, string currency = "USD")
    {
        var account = Ids.Account();
        Assert.Equal(1, await client.OpenAsync(account, Ids.Command(), currency, overdraft).SequenceAsync());
        return account;
    }

    public static Task<HttpResponseMessage> GetTransactionsAsync(this HttpClient client, string account, string query = "") =>
        client.GetAsync($"/v1/queries/accounts/{account}/transactions{(query.Length == 0 ? "" : "?" + query)}");

    /// <summary>Every history entry of an account once the read model reached <paramref name="minSequence"/>, newest first.</summary>
    public static async Task<IReadOnlyList<JsonElement>> AllTransactionsAsync(this HttpClient client, string account, long minSequence)
    {
        var page = await client.GetTransactionsAsync(account, $"limit=500&min_sequence={minSequence}").ExpectAsync(200);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>Asserts the object has exactly these properties (in any order), each once.</summary>
    public static void AssertProperties(this JsonElement element, params string[] names) =>
        Assert.Equal(
            string.Join(",", names.Order(StringComparer.Ordinal)),
            string.Join(",", element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));

    /// <summary>Asserts an RFC 3339 date-time string and returns its instant.</summary>
    public static DateTimeOffset AssertRfc3339(this JsonElement element)
    {
        Assert.Equal(JsonValueKind.String, element.ValueKind);
        var text = element.GetString()!;
        Assert.Matches(Rfc3339Pattern, text);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    }

    /// <summary>A request body whose length is not known up front: sent chunked, without Content-Length.</summary>
    public sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes, string contentType)
        {
            _bytes = bytes;
            Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // Several writes, like a streaming client would do.
            for (var offset = 0; offset < _bytes.Length; offset += 4096)
            {
                await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(4096, _bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
