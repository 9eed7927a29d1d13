using Npgsql;

namespace BankLedger.Bench.Infrastructure;

/// <summary>
/// The PostgreSQL server given by <c>--pg</c> / <c>BANKLEDGER_BENCH_POSTGRES</c>: the harness creates a
/// fresh database per use on it and drops every one of them at the end of the run.
/// </summary>
internal sealed class PostgresServer(string baseConnectionString) : IAsyncDisposable
{
    private readonly List<string> _created = [];

    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"bench_{prefix}_{Guid.NewGuid():N}"[..40];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        lock (_created) _created.Add(name);
        return new NpgsqlConnectionStringBuilder(baseConnectionString) { Database = name }.ConnectionString;
    }

    public async Task<string> ServerVersionAsync()
    {
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        List<string> names;
        lock (_created) names = [.. _created];
        foreach (var name in names)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            }
            catch (NpgsqlException e)
            {
                await Console.Error.WriteLineAsync($"bench: could not drop database {name}: {e.Message}");
            }
        }
    }
}
