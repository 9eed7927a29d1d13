using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Open_deposit_and_read_back_through_the_projection()
    {
        await using var app = await LedgerApp.StartAsync();
        var client = app.CreateClient();
        await client.OpenAsync("acc-1", "c1").ExpectAsync(200);
        var deposit = await client.DepositAsync("acc-1", "c2", 500).ExpectAsync(200);
        Assert.Equal(2, deposit.GetProperty("sequence").GetInt64());
        var balance = await client.BalanceAsync("acc-1", minSequence: 2);
        Assert.Equal(500, balance.GetProperty("current_balance_cents").GetInt64());
    }
}

public sealed class RuntimeEndpointTests
{
    [Fact]
    public async Task The_runtime_counters_grow_with_the_work_done_between_two_readings()
    {
        await using var app = await LedgerApp.StartAsync();
        var client = app.CreateClient();
        var before = await ReadAsync(client);
        await client.OpenAsync("acc-runtime", "c1").ExpectAsync(200);
        for (var i = 0; i < 20; i++) await client.DepositAsync("acc-runtime", $"d{i}", 100).ExpectAsync(200);
        var after = await ReadAsync(client);

        Assert.True(after.GetProperty("process_cpu_ms").GetDouble() > before.GetProperty("process_cpu_ms").GetDouble());
        Assert.True(after.GetProperty("gc").GetProperty("allocated_bytes").GetInt64() > before.GetProperty("gc").GetProperty("allocated_bytes").GetInt64());
        Assert.Equal(3, after.GetProperty("gc").GetProperty("collections").GetArrayLength());
        Assert.True(after.GetProperty("gc").GetProperty("pause_total_ms").GetDouble() >= before.GetProperty("gc").GetProperty("pause_total_ms").GetDouble());
        Assert.True(after.GetProperty("thread_pool").GetProperty("completed_work_items").GetInt64() > before.GetProperty("thread_pool").GetProperty("completed_work_items").GetInt64());
        // The first deposits ran code never compiled before in this process (the request path of a new account).
        Assert.True(after.GetProperty("jit").GetProperty("compiled_methods").GetInt64() > before.GetProperty("jit").GetProperty("compiled_methods").GetInt64());
        Assert.True(after.GetProperty("jit").GetProperty("compilation_ms").GetDouble() > before.GetProperty("jit").GetProperty("compilation_ms").GetDouble());
    }

    private static async Task<System.Text.Json.JsonElement> ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/admin/runtime");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }
}

public sealed class RecoveryWarmUpTests
{
    [Fact]
    public async Task A_new_journal_gets_the_warm_up_history_once_and_the_projection_ignores_it()
    {
        await using var app = await LedgerApp.StartAsync();
        var client = app.CreateClient();
        await client.OpenAsync("acc-after-warm-up", "c1").ExpectAsync(200);
        var balance = await client.BalanceAsync("acc-after-warm-up", minSequence: 1);
        Assert.Equal(0, balance.GetProperty("current_balance_cents").GetInt64());

        var journal = Path.Combine(app.DataDirectory, "journal.db");
        Assert.Equal([1L, 2L], Query(journal, "SELECT sequence_number FROM journal WHERE persistence_id = 'bankledger-recovery-warm-up' ORDER BY 1"));
        Assert.Equal([1L], Query(Path.ChangeExtension(journal, ".snapshots.db"),
            "SELECT sequence_number FROM snapshot WHERE persistence_id = 'bankledger-recovery-warm-up'"));
    }

    private static List<long> Query(string file, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<long>();
        while (reader.Read()) values.Add(reader.GetInt64(0));
        return values;
    }
}
