using Npgsql;

namespace BankLedger.Bench.Crud;

/// <summary>
/// PostgreSQL balance table; every command is one autocommitted guarded UPDATE on a pooled connection
/// (row lock held for the statement, WAL flushed at commit: synchronous_commit stays on).
/// </summary>
internal sealed class PostgresCrudStore(string connectionString) : ICrudStore
{
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 100 }.ConnectionString).Build();

    public async Task InitializeAsync(int accounts)
    {
        await using (var create = _dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS accounts (
                id text PRIMARY KEY,
                currency text NOT NULL,
                balance_cents bigint NOT NULL,
                overdraft_limit_cents bigint NOT NULL,
                owner text NULL,
                updated_at timestamptz NOT NULL
            )
            """))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var seed = _dataSource.CreateCommand(
            "INSERT INTO accounts SELECT 'acc-' || lpad(i::text, 5, '0'), 'USD', 0, 0, NULL, now() FROM generate_series(0, @n - 1) i ON CONFLICT DO NOTHING"))
        {
            seed.Parameters.AddWithValue("n", accounts);
            await seed.ExecuteNonQueryAsync();
        }
        await using var analyze = _dataSource.CreateCommand("ANALYZE accounts");
        await analyze.ExecuteNonQueryAsync();
    }

    public async Task<MoveOutcome> MoveAsync(string id, string currency, long deltaCents)
    {
        await using var move = _dataSource.CreateCommand(
            "UPDATE accounts SET balance_cents = balance_cents + @x, updated_at = now() " +
            "WHERE id = @id AND currency = @cur AND balance_cents + @x >= -overdraft_limit_cents RETURNING balance_cents");
        move.Parameters.AddWithValue("x", deltaCents);
        move.Parameters.AddWithValue("id", id);
        move.Parameters.AddWithValue("cur", currency);
        if (await move.ExecuteScalarAsync() is long balance) return new MoveOutcome(balance, null);
        await using var find = _dataSource.CreateCommand("SELECT currency FROM accounts WHERE id = @id");
        find.Parameters.AddWithValue("id", id);
        var found = await find.ExecuteScalarAsync() as string;
        return new MoveOutcome(null, found is null ? "account_not_found" : found != currency ? "currency_mismatch" : "insufficient_funds");
    }

    public async Task<bool> OpenAsync(string id, string currency, long overdraftLimitCents, string? owner)
    {
        await using var open = _dataSource.CreateCommand("INSERT INTO accounts VALUES (@id, @cur, 0, @od, @owner, now()) ON CONFLICT (id) DO NOTHING");
        open.Parameters.AddWithValue("id", id);
        open.Parameters.AddWithValue("cur", currency);
        open.Parameters.AddWithValue("od", overdraftLimitCents);
        open.Parameters.AddWithValue("owner", (object?)owner ?? DBNull.Value);
        return await open.ExecuteNonQueryAsync() == 1;
    }

    public async Task<long?> BalanceAsync(string id)
    {
        await using var query = _dataSource.CreateCommand("SELECT balance_cents FROM accounts WHERE id = @id");
        query.Parameters.AddWithValue("id", id);
        return await query.ExecuteScalarAsync() as long?;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
