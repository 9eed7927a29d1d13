using System.Data;
using BankLedger.Domain;
using BankLedger.Projections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.ObjectPool;
using SQLitePCL;

namespace BankLedger.ReadStore.Sqlite;

/// <summary>
/// The embedded read model: one SQLite file in WAL mode. Writes go through a single dedicated connection
/// (SQLite has one writer) serialized by a semaphore; each <see cref="ApplyAsync"/> is one transaction holding
/// the account views, their history rows and the projection checkpoint, so views and checkpoint become
/// visible together. Reads use separate pooled connections and never wait for the writer (WAL readers see the
/// last committed snapshot).
/// </summary>
public sealed class SqliteReadStore : IReadStore, IAsyncDisposable
{
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Balance reads reuse open connections with the lookup already prepared (see AccountLookup). The pool disposes
    // what it does not keep, and everything it holds when it is disposed.
    private readonly ObjectPool<AccountLookup> _lookups;

    // Guarded by _writeLock.
    private Writer? _writer;
    private bool _disposed;

    public SqliteReadStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // The writer is long-lived and owned by this instance: no pooling, so disposing really closes the file.
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();

        // Readers come from Microsoft.Data.Sqlite's pool: opening one is a dictionary hit, not a file open.
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
        }.ToString();
        _lookups = new DefaultObjectPoolProvider { MaximumRetained = 32 }.Create(new AccountLookup.Policy(_readConnectionString));
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer ??= Writer.Open(_writeConnectionString);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ?? throw new InvalidOperationException("Call InitializeAsync before ApplyAsync.");
            cancellationToken.ThrowIfCancellationRequested();
            // SQLite calls are synchronous (the async API of Microsoft.Data.Sqlite is too). A batch of 1,000
            // events takes milliseconds; the 50,000-event batches of a catch-up hold the caller's thread for
            // about a second, which the projection's one write at a time can afford.
            writer.Apply(batch);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<long> LoadCheckpointAsync(string projectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectionId);
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSql.SelectCheckpoint;
            command.Parameters.AddWithValue("$projection_id", projectionId);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is long offset ? offset : 0;
        }
    }

    public async Task<IReadOnlyDictionary<AccountId, long>> LoadLastSequencesAsync(
        IReadOnlyCollection<AccountId> accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var result = new Dictionary<AccountId, long>(accounts.Count);
        if (accounts.Count == 0)
        {
            return result;
        }

        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One snapshot for all lookups, one prepared statement re-bound per account.
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteSql.SelectLastSequence;
            var id = command.Parameters.Add("$account_id", SqliteType.Text);
            command.Prepare();
            foreach (var account in accounts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (result.ContainsKey(account))
                {
                    continue;
                }

                id.Value = account.Value;
                if (command.ExecuteScalar() is long last)
                {
                    result[account] = last;
                }
            }

            transaction.Commit();
        }

        return result;
    }

    public Task<AccountView?> GetAccountAsync(AccountId account, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var lookup = _lookups.Get();
        AccountView? view;
        try
        {
            view = lookup.Find(account);
        }
        catch
        {
            lookup.Dispose(); // a failed connection is not reused
            throw;
        }

        _lookups.Return(lookup);
        return Task.FromResult(view);
    }

    public async Task<TransactionPage> GetTransactionsAsync(
        AccountId account, int limit, long? beforeSequence, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSql.SelectTransactionsPage;
            command.Parameters.AddWithValue("$account_id", account.Value);
            command.Parameters.AddWithValue("$before", beforeSequence ?? long.MaxValue);
            // One row more than asked tells whether another page exists.
            command.Parameters.AddWithValue("$limit", (long)limit + 1);

            var items = new List<TransactionView>(Math.Min(limit, 256));
            var more = false;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (items.Count == limit)
                {
                    more = true;
                    break;
                }

                items.Add(new TransactionView(
                    account,
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    Currency.Parse(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt64(5),
                    CommandId.Parse(reader.GetString(6)),
                    SqliteCodec.ParseTime(reader.GetString(7)),
                    SqliteCodec.ParseTime(reader.GetString(8))));
            }

            return new TransactionPage(items, more ? items[^1].Sequence : null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ((IDisposable)_lookups).Dispose();

            // Close idle pooled readers first, so the writer is the last connection: closing it checkpoints
            // the WAL into the main file and removes the -wal/-shm files.
            using (var probe = new SqliteConnection(_readConnectionString))
            {
                SqliteConnection.ClearPool(probe);
            }

            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A read connection kept open with the account lookup prepared on it. Opening a pooled connection, building an
    /// ADO.NET command and preparing the statement for every balance read allocated ~2 KB per read (6.6 -> 4.3-5.2 KB
    /// per read at 5,000 reads/s without them). No transaction is held between uses: each lookup reads the last
    /// committed snapshot, as a fresh connection would.
    /// </summary>
    private sealed class AccountLookup : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly RawStatement _select;

        private AccountLookup(SqliteConnection connection)
        {
            _connection = connection;
            _select = new RawStatement(connection.Handle ?? throw new InvalidOperationException("the read connection is not open"),
                SqliteSql.RawSelectAccount);
        }

        public static AccountLookup Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                return new AccountLookup(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public AccountView? Find(AccountId account) => Find(_select, account);

        public sealed class Policy(string connectionString) : IPooledObjectPolicy<AccountLookup>
        {
            public AccountLookup Create() => Open(connectionString);

            public bool Return(AccountLookup lookup) => true;
        }

        /// <summary>Runs <see cref="SqliteSql.RawSelectAccount"/> on <paramref name="select"/> and resets it.</summary>
        public static AccountView? Find(RawStatement select, AccountId account)
        {
            select.Bind(1, account.Value);
            try
            {
                return select.Step()
                    ? new AccountView(
                        account,
                        Currency.Parse(select.Text(0) ?? ""),
                        SqliteCodec.ParseStatus(select.Text(1) ?? ""),
                        select.Int64(2),
                        select.Int64(3),
                        select.Text(4),
                        select.Int64(5),
                        SqliteCodec.ParseTime(select.Text(6) ?? ""),
                        SqliteCodec.ParseTime(select.Text(7) ?? ""))
                    : null;
            }
            finally
            {
                select.Reset();
            }
        }

        public void Dispose()
        {
            _select.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>The dedicated writer connection with its prepared statements. Used only under the write lock.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3 _db;
        private readonly RawStatement _begin;
        private readonly RawStatement _commit;
        private readonly RawStatement _selectAccount;
        private readonly RawStatement _upsertAccount;
        private readonly RawStatement _insertTransaction;
        private readonly RawStatement _upsertCheckpoint;

        // Views touched by the current batch, in first-touch order; reused between batches.
        private readonly Dictionary<AccountId, TouchedView> _touched = [];
        private readonly List<TouchedView> _touchedOrder = [];

        private Writer(SqliteConnection connection)
        {
            _connection = connection;
            _db = connection.Handle ?? throw new InvalidOperationException("the writer connection is not open");
            _begin = new RawStatement(_db, "BEGIN IMMEDIATE");
            _commit = new RawStatement(_db, "COMMIT");
            _selectAccount = new RawStatement(_db, SqliteSql.RawSelectAccount);
            _upsertAccount = new RawStatement(_db, SqliteSql.WriterUpsertAccount);
            _insertTransaction = new RawStatement(_db, SqliteSql.WriterInsertTransaction);
            _upsertCheckpoint = new RawStatement(_db, SqliteSql.WriterUpsertCheckpoint);
        }

        public static Writer Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                var mode = Scalar(connection, "PRAGMA journal_mode=WAL;") as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode is '{mode}').");
                }

                // synchronous=NORMAL is safe here: in WAL mode it never corrupts the database, it only may lose
                // the most recent *whole* transactions on power loss (they are not fsynced until a WAL checkpoint).
                // Each transaction holds a batch's views *and* its checkpoint, so what survives is always a
                // consistent prefix: the checkpoint read back is older and the projection simply replays those
                // events from the journal (views skip what they already hold). The read model is rebuildable
                // from the journal anyway; the journal, not this file, is the source of truth.
                Execute(connection, "PRAGMA synchronous=NORMAL;");
                // Wait (rather than fail) if another process holds the file briefly, e.g. a backup tool.
                Execute(connection, "PRAGMA busy_timeout=5000;");
                // History is clustered by account, so a batch dirties about one page per account it touches, all
                // over the table: the page cache must keep those pages from one batch to the next, or every batch
                // re-reads them. With 10,000 accounts (1 M events) 32 MiB was too small: a processing-only rebuild
                // ran 24k events/s at 32 MiB, 27k at 128 MiB (1,000-event batches; 21k vs 24k at 5,000). The cache
                // only grows as far as the database does. Checkpointing every ~40 MB of WAL (not the default
                // ~4 MB) copies a page that many batches dirtied once and fsyncs a tenth as often;
                // journal_size_limit trims the file after.
                Execute(connection, "PRAGMA cache_size=-131072;");
                Execute(connection, "PRAGMA wal_autocheckpoint=10000;");
                Execute(connection, "PRAGMA journal_size_limit=67108864;");
                Execute(connection, SqliteSql.Schema);
                return new Writer(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public void Apply(ReadModelBatch batch)
        {
            _touched.Clear();
            _touchedOrder.Clear();
            _begin.Execute();
            try
            {
                foreach (var (sequence, @event) in batch.Events)
                {
                    var touched = Touched(@event.AccountId);
                    if (AccountViewFold.Apply(touched.View, sequence, @event) is not { } applied)
                    {
                        continue; // already applied: idempotent replay
                    }

                    touched.View = applied.View;
                    touched.Dirty = true;
                    InsertTransaction(applied.Entry);
                }

                foreach (var touched in _touchedOrder)
                {
                    if (touched is { Dirty: true, View: { } view })
                    {
                        UpsertAccount(view);
                    }
                }

                foreach (var checkpoint in batch.Checkpoints)
                {
                    _upsertCheckpoint.Bind(1, checkpoint.ProjectionId);
                    _upsertCheckpoint.Bind(2, checkpoint.Offset);
                    _upsertCheckpoint.Execute();
                }

                _commit.Execute();
            }
            catch
            {
                // Nothing of a failed batch stays: not its views, not its history, not its checkpoint.
                RollBack();
                throw;
            }
            finally
            {
                _touched.Clear();
                _touchedOrder.Clear();
            }
        }

        private void RollBack()
        {
            _selectAccount.Reset();
            if (raw.sqlite3_get_autocommit(_db) == 0)
            {
                RawStatement.Exec(_db, "ROLLBACK");
            }
        }

        private void InsertTransaction(TransactionView entry)
        {
            var insert = _insertTransaction;
            insert.Bind(1, entry.AccountId.Value);
            insert.Bind(2, entry.Sequence);
            insert.Bind(3, entry.EventType);
            insert.Bind(4, entry.AmountCents);
            insert.Bind(5, entry.Currency.Code);
            insert.Bind(6, entry.Reference);
            insert.Bind(7, entry.BalanceAfterCents);
            insert.Bind(8, entry.CommandId.Value);
            insert.Bind(9, entry.OccurredAt);
            insert.Bind(10, entry.ClientCreatedAt);
            insert.Execute();
        }

        private TouchedView Touched(AccountId account)
        {
            if (_touched.TryGetValue(account, out var touched))
            {
                return touched;
            }

            touched = new TouchedView { View = AccountLookup.Find(_selectAccount, account) };
            _touched.Add(account, touched);
            _touchedOrder.Add(touched);
            return touched;
        }

        private void UpsertAccount(AccountView view)
        {
            var upsert = _upsertAccount;
            upsert.Bind(1, view.AccountId.Value);
            upsert.Bind(2, view.Currency.Code);
            upsert.Bind(3, SqliteCodec.FormatStatus(view.Status));
            upsert.Bind(4, view.BalanceCents);
            upsert.Bind(5, view.OverdraftLimitCents);
            upsert.Bind(6, view.Owner);
            upsert.Bind(7, view.LastSequence);
            upsert.Bind(8, view.OpenedAt);
            upsert.Bind(9, view.LastUpdatedAt);
            upsert.Execute();
        }

        public void Dispose()
        {
            _begin.Dispose();
            _commit.Dispose();
            _selectAccount.Dispose();
            _upsertAccount.Dispose();
            _insertTransaction.Dispose();
            _upsertCheckpoint.Dispose();
            _connection.Dispose();
        }

        private static object? Scalar(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }

        private static void Execute(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>An account's view as the writer holds it during one batch (null View: no view yet).</summary>
    private sealed class TouchedView
    {
        public AccountView? View { get; set; }
        public bool Dirty { get; set; }
    }
}
