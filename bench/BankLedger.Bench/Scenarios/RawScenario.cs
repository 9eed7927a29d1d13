using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace BankLedger.Bench.Scenarios;

/// <summary>
/// The physical ceiling for the journal on this machine: batched inserts of 300-byte rows (100 rows per
/// transaction, like the journal's batch-size) into a plain table of the same database kind with the same
/// durability (SQLite WAL + synchronous=FULL; PostgreSQL with fsync/synchronous_commit on), no HTTP,
/// no serialization, no indexes beyond the primary key.
/// </summary>
internal static class RawScenario
{
    private const int RowBytes = 300;
    private const int RowsPerTransaction = 100;

    public static async Task RunAsync(BenchContext context)
    {
        context.Log("raw: batched inserts of 300-byte rows");
        var payload = new byte[RowBytes];
        new Random(7).NextBytes(payload);
        double rowsPerSecond;
        int writers;
        if (context.IsPostgres)
        {
            // As many concurrent writers as the journal plugin uses on PostgreSQL (parallelism = 3).
            writers = 3;
            var connection = await context.Postgres!.CreateDatabaseAsync("raw");
            rowsPerSecond = await PostgresAsync(connection, payload, writers, context.Profile.RawDuration);
        }
        else
        {
            writers = 1; // SQLite has one writer at a time.
            rowsPerSecond = Sqlite(Path.Combine(context.Directory("raw"), "raw.db"), payload, context.Profile.RawDuration);
        }
        context.Results.Set("raw_insert_rows_per_s", Math.Round(rowsPerSecond));
        context.Results.Set("raw_insert_rows_per_transaction", RowsPerTransaction);
        context.Results.Set("raw_insert_writers", writers);
        context.Log($"raw: {rowsPerSecond:N0} rows/s ({writers} writer(s), {RowsPerTransaction} rows per transaction)");
    }

    private static double Sqlite(string path, byte[] payload, TimeSpan duration)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " +
                                "CREATE TABLE raw (id INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL, payload BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO raw (created, payload) VALUES ($c, $p)";
        var created = insert.Parameters.Add("$c", SqliteType.Integer);
        insert.Parameters.Add("$p", SqliteType.Blob).Value = payload;
        long rows = 0;
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < duration)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = 0; i < RowsPerTransaction; i++)
            {
                created.Value = DateTime.UtcNow.Ticks;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
            rows += RowsPerTransaction;
        }
        return rows / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<double> PostgresAsync(string connectionString, byte[] payload, int writers, TimeSpan duration)
    {
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE raw (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created bigint NOT NULL, payload bytea NOT NULL)", setup);
            await create.ExecuteNonQueryAsync();
        }
        var values = string.Join(", ", Enumerable.Range(0, RowsPerTransaction).Select(i => $"(@c{i}, @p{i})"));
        long rows = 0;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO raw (created, payload) VALUES {values}", connection);
            var createdParameters = new NpgsqlParameter<long>[RowsPerTransaction];
            for (var i = 0; i < RowsPerTransaction; i++)
            {
                createdParameters[i] = new NpgsqlParameter<long>($"c{i}", NpgsqlDbType.Bigint);
                insert.Parameters.Add(createdParameters[i]);
                insert.Parameters.Add(new NpgsqlParameter<byte[]>($"p{i}", NpgsqlDbType.Bytea) { TypedValue = payload });
            }
            await insert.PrepareAsync();
            while (Stopwatch.GetElapsedTime(start) < duration)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                insert.Transaction = transaction;
                foreach (var p in createdParameters) p.TypedValue = DateTime.UtcNow.Ticks;
                await insert.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
                Interlocked.Add(ref rows, RowsPerTransaction);
            }
        }));
        return rows / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
