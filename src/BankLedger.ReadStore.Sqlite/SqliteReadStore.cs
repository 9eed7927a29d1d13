using System.Data;
using BankLedger.Domain;
using BankLedger.Projections;
using Microsoft.Data.Sqlite;

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
            // SQLite calls are synchronous (the async API of Microsoft.Data.Sqlite is too); one batch of
            // 1,000 events takes milliseconds, so the caller's thread is not held long.
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

    public async Task<AccountView?> GetAccountAsync(AccountId account, CancellationToken cancellationToken)
    {
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSql.SelectAccount;
            command.Parameters.AddWithValue("$account_id", account.Value);
            using var reader = command.ExecuteReader(CommandBehavior.SingleRow);
            if (!reader.Read())
            {
                return null;
            }

            return new AccountView(
                account,
                Currency.Parse(reader.GetString(0)),
                SqliteCodec.ParseStatus(reader.GetString(1)),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5),
                SqliteCodec.ParseTime(reader.GetString(6)),
                SqliteCodec.ParseTime(reader.GetString(7)));
        }
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

    /// <summary>The dedicated writer connection with its prepared statements. Used only under the write lock.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _selectAccount;
        private readonly SqliteCommand _upsertAccount;
        private readonly SqliteCommand _insertTransaction;
        private readonly SqliteCommand _upsertCheckpoint;

        private readonly SqliteParameter _selectAccountId;

        private readonly SqliteParameter _accountId;
        private readonly SqliteParameter _accountCurrency;
        private readonly SqliteParameter _accountStatus;
        private readonly SqliteParameter _accountBalance;
        private readonly SqliteParameter _accountOverdraft;
        private readonly SqliteParameter _accountOwner;
        private readonly SqliteParameter _accountLastSequence;
        private readonly SqliteParameter _accountOpenedAt;
        private readonly SqliteParameter _accountLastUpdatedAt;

        private readonly SqliteParameter _txAccountId;
        private readonly SqliteParameter _txSequence;
        private readonly SqliteParameter _txEventType;
        private readonly SqliteParameter _txAmount;
        private readonly SqliteParameter _txCurrency;
        private readonly SqliteParameter _txReference;
        private readonly SqliteParameter _txBalanceAfter;
        private readonly SqliteParameter _txCommandId;
        private readonly SqliteParameter _txOccurredAt;
        private readonly SqliteParameter _txClientCreatedAt;

        private readonly SqliteParameter _checkpointProjection;
        private readonly SqliteParameter _checkpointOffset;

        // Views touched by the current batch, in first-touch order; reused between batches.
        private readonly Dictionary<AccountId, AccountRow> _touched = [];
        private readonly List<AccountRow> _touchedOrder = [];

        private Writer(SqliteConnection connection)
        {
            _connection = connection;

            _selectAccount = Command(SqliteSql.SelectAccount);
            _selectAccountId = Parameter(_selectAccount, "$account_id", SqliteType.Text);

            _upsertAccount = Command(SqliteSql.UpsertAccount);
            _accountId = Parameter(_upsertAccount, "$account_id", SqliteType.Text);
            _accountCurrency = Parameter(_upsertAccount, "$currency", SqliteType.Text);
            _accountStatus = Parameter(_upsertAccount, "$status", SqliteType.Text);
            _accountBalance = Parameter(_upsertAccount, "$balance_cents", SqliteType.Integer);
            _accountOverdraft = Parameter(_upsertAccount, "$overdraft_limit_cents", SqliteType.Integer);
            _accountOwner = Parameter(_upsertAccount, "$owner", SqliteType.Text);
            _accountLastSequence = Parameter(_upsertAccount, "$last_sequence", SqliteType.Integer);
            _accountOpenedAt = Parameter(_upsertAccount, "$opened_at", SqliteType.Text);
            _accountLastUpdatedAt = Parameter(_upsertAccount, "$last_updated_at", SqliteType.Text);

            _insertTransaction = Command(SqliteSql.InsertTransaction);
            _txAccountId = Parameter(_insertTransaction, "$account_id", SqliteType.Text);
            _txSequence = Parameter(_insertTransaction, "$sequence", SqliteType.Integer);
            _txEventType = Parameter(_insertTransaction, "$event_type", SqliteType.Text);
            _txAmount = Parameter(_insertTransaction, "$amount_cents", SqliteType.Integer);
            _txCurrency = Parameter(_insertTransaction, "$currency", SqliteType.Text);
            _txReference = Parameter(_insertTransaction, "$reference", SqliteType.Text);
            _txBalanceAfter = Parameter(_insertTransaction, "$balance_after_cents", SqliteType.Integer);
            _txCommandId = Parameter(_insertTransaction, "$command_id", SqliteType.Text);
            _txOccurredAt = Parameter(_insertTransaction, "$occurred_at", SqliteType.Text);
            _txClientCreatedAt = Parameter(_insertTransaction, "$client_created_at", SqliteType.Text);

            _upsertCheckpoint = Command(SqliteSql.UpsertCheckpoint);
            _checkpointProjection = Parameter(_upsertCheckpoint, "$projection_id", SqliteType.Text);
            _checkpointOffset = Parameter(_upsertCheckpoint, "$offset", SqliteType.Integer);

            foreach (var command in new[] { _selectAccount, _upsertAccount, _insertTransaction, _upsertCheckpoint })
            {
                command.Prepare();
            }
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
            using var transaction = _connection.BeginTransaction(deferred: false);
            _selectAccount.Transaction = transaction;
            _upsertAccount.Transaction = transaction;
            _insertTransaction.Transaction = transaction;
            _upsertCheckpoint.Transaction = transaction;

            foreach (var (sequence, @event) in batch.Events)
            {
                var row = Row(@event.AccountId);
                if (sequence <= row.LastSequence)
                {
                    continue; // already applied: idempotent replay
                }

                if (sequence != row.LastSequence + 1)
                {
                    // Disposing the uncommitted transaction rolls back everything of this batch.
                    throw new ReadModelGapException(@event.AccountId, row.LastSequence, sequence);
                }

                ApplyEvent(row, sequence, @event);
            }

            foreach (var row in _touchedOrder)
            {
                if (row.Dirty)
                {
                    UpsertAccount(row);
                }
            }

            _checkpointProjection.Value = batch.ProjectionId;
            _checkpointOffset.Value = batch.CheckpointOffset;
            _upsertCheckpoint.ExecuteNonQuery();

            transaction.Commit();
            _touched.Clear();
            _touchedOrder.Clear();
        }

        private void ApplyEvent(AccountRow row, long sequence, AccountEvent @event)
        {
            long? amount = null;
            string? reference = null;
            switch (@event)
            {
                case AccountOpened opened:
                    if (row.Exists)
                    {
                        throw new InvalidOperationException(
                            $"Account '{row.Id}' is already open; sequence {sequence} cannot open it again.");
                    }

                    row.Exists = true;
                    row.Currency = opened.Currency.Code;
                    row.Status = SqliteCodec.StatusOpen;
                    row.BalanceCents = 0;
                    row.OverdraftLimitCents = opened.OverdraftLimitCents;
                    row.Owner = opened.Owner;
                    row.OpenedAt = SqliteCodec.FormatTime(opened.OccurredAt);
                    break;

                case not null when !row.Exists:
                    throw new InvalidOperationException(
                        $"Account '{row.Id}' has no view, so sequence {sequence} must be {nameof(AccountOpened)}, " +
                        $"not {@event.EventType}.");

                case MoneyMoved money:
                    amount = money.AmountCents;
                    reference = money.Reference;
                    row.BalanceCents = money.BalanceAfterCents;
                    break;

                case AccountLocked locked:
                    reference = locked.Reason;
                    row.Status = SqliteCodec.StatusLocked;
                    break;

                case AccountUnlocked unlocked:
                    reference = unlocked.Reason;
                    row.Status = SqliteCodec.StatusOpen;
                    break;

                default:
                    throw new NotSupportedException($"The SQLite read model cannot apply {@event?.GetType().Name}.");
            }

            var occurredAt = SqliteCodec.FormatTime(@event.OccurredAt);
            row.LastSequence = sequence;
            row.LastUpdatedAt = occurredAt;
            row.Dirty = true;

            _txAccountId.Value = row.Id.Value;
            _txSequence.Value = sequence;
            _txEventType.Value = @event.EventType;
            _txAmount.Value = amount.HasValue ? amount.Value : DBNull.Value;
            _txCurrency.Value = @event is MoneyMoved m ? m.Currency.Code : row.Currency;
            _txReference.Value = (object?)reference ?? DBNull.Value;
            _txBalanceAfter.Value = row.BalanceCents;
            _txCommandId.Value = @event.CommandId.Value;
            _txOccurredAt.Value = occurredAt;
            _txClientCreatedAt.Value = SqliteCodec.FormatTime(@event.ClientCreatedAt);
            _insertTransaction.ExecuteNonQuery();
        }

        private AccountRow Row(AccountId account)
        {
            if (_touched.TryGetValue(account, out var row))
            {
                return row;
            }

            row = new AccountRow(account);
            _selectAccountId.Value = account.Value;
            using (var reader = _selectAccount.ExecuteReader(CommandBehavior.SingleRow))
            {
                if (reader.Read())
                {
                    row.Exists = true;
                    row.Currency = reader.GetString(0);
                    row.Status = reader.GetString(1);
                    row.BalanceCents = reader.GetInt64(2);
                    row.OverdraftLimitCents = reader.GetInt64(3);
                    row.Owner = reader.IsDBNull(4) ? null : reader.GetString(4);
                    row.LastSequence = reader.GetInt64(5);
                    row.OpenedAt = reader.GetString(6);
                    row.LastUpdatedAt = reader.GetString(7);
                }
            }

            _touched.Add(account, row);
            _touchedOrder.Add(row);
            return row;
        }

        private void UpsertAccount(AccountRow row)
        {
            _accountId.Value = row.Id.Value;
            _accountCurrency.Value = row.Currency;
            _accountStatus.Value = row.Status;
            _accountBalance.Value = row.BalanceCents;
            _accountOverdraft.Value = row.OverdraftLimitCents;
            _accountOwner.Value = (object?)row.Owner ?? DBNull.Value;
            _accountLastSequence.Value = row.LastSequence;
            _accountOpenedAt.Value = row.OpenedAt;
            _accountLastUpdatedAt.Value = row.LastUpdatedAt;
            _upsertAccount.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _selectAccount.Dispose();
            _upsertAccount.Dispose();
            _insertTransaction.Dispose();
            _upsertCheckpoint.Dispose();
            _connection.Dispose();
        }

        private SqliteCommand Command(string sql)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }

        private static SqliteParameter Parameter(SqliteCommand command, string name, SqliteType type) =>
            command.Parameters.Add(name, type);

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

    /// <summary>A view row as the writer holds it during one batch (timestamps kept as stored text).</summary>
    private sealed class AccountRow(AccountId id)
    {
        public AccountId Id { get; } = id;
        public bool Exists { get; set; }
        public bool Dirty { get; set; }
        public string Currency { get; set; } = "";
        public string Status { get; set; } = SqliteCodec.StatusOpen;
        public long BalanceCents { get; set; }
        public long OverdraftLimitCents { get; set; }
        public string? Owner { get; set; }
        public long LastSequence { get; set; }
        public string OpenedAt { get; set; } = "";
        public string LastUpdatedAt { get; set; } = "";
    }
}
