using Microsoft.Data.Sqlite;

namespace BankLedger.Bench.Crud;

/// <summary>
/// SQLite balance table, WAL, synchronous=FULL (fsync per commit, as the ledger's journal).
/// SQLite admits one writer at a time, so writes go through one connection behind an async lock —
/// what a careful SQLite service does instead of letting requests collide on SQLITE_BUSY and back off.
/// Reads use their own pooled connections (WAL readers never block the writer).
/// </summary>
internal sealed class SqliteCrudStore(string path) : ICrudStore
{
    private readonly string _connectionString = $"Data Source={path};Pooling=True";
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private SqliteCommand? _move;
    private SqliteCommand? _find;
    private SqliteCommand? _open;

    public async Task InitializeAsync(int accounts)
    {
        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync();
        await ExecuteAsync(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        await ExecuteAsync(_writer, """
            CREATE TABLE IF NOT EXISTS accounts (
                id TEXT NOT NULL PRIMARY KEY,
                currency TEXT NOT NULL,
                balance_cents INTEGER NOT NULL,
                overdraft_limit_cents INTEGER NOT NULL,
                owner TEXT NULL,
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """);
        await using (var transaction = _writer.BeginTransaction())
        {
            await using var insert = _writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO accounts VALUES ($id, 'USD', 0, 0, NULL, $now)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            insert.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
            for (var i = 0; i < accounts; i++)
            {
                id.Value = $"acc-{i:D5}";
                await insert.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }

        _move = _writer.CreateCommand();
        _move.CommandText = "UPDATE accounts SET balance_cents = balance_cents + $x, updated_at = $now " +
                            "WHERE id = $id AND currency = $cur AND balance_cents + $x >= -overdraft_limit_cents RETURNING balance_cents";
        _move.Parameters.Add("$x", SqliteType.Integer);
        _move.Parameters.Add("$now", SqliteType.Text);
        _move.Parameters.Add("$id", SqliteType.Text);
        _move.Parameters.Add("$cur", SqliteType.Text);
        _move.Prepare();
        _find = _writer.CreateCommand();
        _find.CommandText = "SELECT currency FROM accounts WHERE id = $id";
        _find.Parameters.Add("$id", SqliteType.Text);
        _open = _writer.CreateCommand();
        _open.CommandText = "INSERT INTO accounts VALUES ($id, $cur, 0, $od, $owner, $now) ON CONFLICT (id) DO NOTHING";
        _open.Parameters.Add("$id", SqliteType.Text);
        _open.Parameters.Add("$cur", SqliteType.Text);
        _open.Parameters.Add("$od", SqliteType.Integer);
        _open.Parameters.Add("$owner", SqliteType.Text);
        _open.Parameters.Add("$now", SqliteType.Text);
    }

    public async Task<MoveOutcome> MoveAsync(string id, string currency, long deltaCents)
    {
        await _writeLock.WaitAsync();
        try
        {
            _move!.Parameters["$x"].Value = deltaCents;
            _move.Parameters["$now"].Value = DateTimeOffset.UtcNow.ToString("O");
            _move.Parameters["$id"].Value = id;
            _move.Parameters["$cur"].Value = currency;
            var balance = await _move.ExecuteScalarAsync();
            if (balance is long b) return new MoveOutcome(b, null);
            _find!.Parameters["$id"].Value = id;
            var found = await _find.ExecuteScalarAsync() as string;
            return new MoveOutcome(null, found is null ? "account_not_found" : found != currency ? "currency_mismatch" : "insufficient_funds");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<bool> OpenAsync(string id, string currency, long overdraftLimitCents, string? owner)
    {
        await _writeLock.WaitAsync();
        try
        {
            _open!.Parameters["$id"].Value = id;
            _open.Parameters["$cur"].Value = currency;
            _open.Parameters["$od"].Value = overdraftLimitCents;
            _open.Parameters["$owner"].Value = (object?)owner ?? DBNull.Value;
            _open.Parameters["$now"].Value = DateTimeOffset.UtcNow.ToString("O");
            return await _open.ExecuteNonQueryAsync() == 1;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<long?> BalanceAsync(string id)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT balance_cents FROM accounts WHERE id = $id";
        query.Parameters.AddWithValue("$id", id);
        return await query.ExecuteScalarAsync() as long?;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_move is not null) await _move.DisposeAsync();
        if (_find is not null) await _find.DisposeAsync();
        if (_open is not null) await _open.DisposeAsync();
        if (_writer is not null) await _writer.DisposeAsync();
        _writeLock.Dispose();
    }
}
