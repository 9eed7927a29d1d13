using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BankLedger.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BankLedger.IntegrationTests.Support;

/// <summary>Which journal database a test node uses.</summary>
public enum JournalKind { Sqlite, PostgreSql }

/// <summary>
/// A whole ledger node in-process (all roles, real Akka cluster of one, real SQLite or PostgreSQL journal,
/// real SQLite read store) behind ASP.NET Core's test server. Each instance gets fresh databases.
/// </summary>
public sealed class LedgerApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new("ledger-app");
    private readonly Dictionary<string, string> _settings;
    private PostgresDatabase? _postgres;

    private LedgerApp(Dictionary<string, string> settings) => _settings = settings;

    public string DataDirectory => _data.Path;

    public static async Task<LedgerApp> StartAsync(JournalKind journal = JournalKind.Sqlite, IDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>();
        PostgresDatabase? postgres = null;
        if (journal == JournalKind.PostgreSql)
        {
            postgres = await PostgresDatabase.CreateAsync("ledger_app");
            settings["Ledger:Journal:Provider"] = "postgresql";
            settings["Ledger:Journal:ConnectionString"] = postgres.ConnectionString;
        }
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>()) settings[key] = value;
        var app = new LedgerApp(settings) { _postgres = postgres };
        app._settings["Ledger:DataDirectory"] = app._data.Path;
        // Touch the server so the host (and its actor system) starts now, not in the first test request.
        using var client = app.CreateClient();
        (await client.GetAsync("/health")).EnsureSuccessStatusCode();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>Small JSON helpers for talking to the ledger's HTTP API in tests.</summary>
public static class LedgerHttp
{
    public static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostCommandAsync(this HttpClient client, string action, string json) =>
        client.PostAsync($"/v1/commands/accounts/{action}", Json(json));

    public static Task<HttpResponseMessage> OpenAsync(this HttpClient client, string account, string commandId,
        string currency = "USD", long overdraft = 0) =>
        client.PostCommandAsync("open", $$"""
            {"command_id":"{{commandId}}","command_type":"OPEN_ACCOUNT","aggregate_id":"{{account}}",
             "payload":{"currency":"{{currency}}","overdraft_limit_cents":{{overdraft}}},"created_at":"2026-05-23T10:00:00Z"}
            """);

    public static Task<HttpResponseMessage> DepositAsync(this HttpClient client, string account, string commandId, long amount,
        string currency = "USD") =>
        client.PostCommandAsync("deposit", $$"""
            {"command_id":"{{commandId}}","command_type":"DEPOSIT_FUNDS","aggregate_id":"{{account}}",
             "payload":{"amount_cents":{{amount}},"currency":"{{currency}}","reference":"test"},"created_at":"2026-05-23T10:00:00Z"}
            """);

    public static Task<HttpResponseMessage> WithdrawAsync(this HttpClient client, string account, string commandId, long amount,
        string currency = "USD") =>
        client.PostCommandAsync("withdraw", $$"""
            {"command_id":"{{commandId}}","command_type":"WITHDRAW_FUNDS","aggregate_id":"{{account}}",
             "payload":{"amount_cents":{{amount}},"currency":"{{currency}}"},"created_at":"2026-05-23T10:00:00Z"}
            """);

    public static Task<HttpResponseMessage> LockAsync(this HttpClient client, string account, string commandId) =>
        client.PostCommandAsync("lock", $$"""
            {"command_id":"{{commandId}}","command_type":"LOCK_ACCOUNT","aggregate_id":"{{account}}","payload":{"reason":"test"},"created_at":"2026-05-23T10:00:00Z"}
            """);

    public static Task<HttpResponseMessage> UnlockAsync(this HttpClient client, string account, string commandId) =>
        client.PostCommandAsync("unlock", $$"""
            {"command_id":"{{commandId}}","command_type":"UNLOCK_ACCOUNT","aggregate_id":"{{account}}","created_at":"2026-05-23T10:00:00Z"}
            """);

    /// <summary>Reads a JSON body, failing with the status and body text when it is not the expected status.</summary>
    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> pending, int status)
    {
        using var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with the given status and stable code.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this Task<HttpResponseMessage> pending, int status, string code)
    {
        using var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        return body;
    }

    /// <summary>The balance as the query side reports it once the read model reached <paramref name="minSequence"/>.</summary>
    public static Task<JsonElement> BalanceAsync(this HttpClient client, string account, long minSequence = 0) =>
        client.GetAsync($"/v1/queries/accounts/{account}/balance?min_sequence={minSequence}").ExpectAsync(200);

    public static Task<T?> ReadJsonAsync<T>(this HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
