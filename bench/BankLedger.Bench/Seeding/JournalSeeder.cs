using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace BankLedger.Bench.Seeding;

/// <summary>
/// Appends rows to the journal table the node's Akka.Persistence.Sql plugin created (Csv tag mode, see
/// hocon/persistence.conf), in its exact format: ordering, created (UTC ticks), deleted=false, persistence_id,
/// sequence_number, message, manifest, identifier (serializer id), writer_uuid, tags (";tag;").
/// The table must exist (the node creates it on its first write).
/// </summary>
internal static class JournalSeeder
{
    public const int SerializerId = BankLedger.Ledger.Serialization.LedgerSerializer.SerializerId;

    /// <summary>The plugin's Csv tag format: every tag enclosed in the separator, so LIKE '%;tag;%' matches whole tags.</summary>
    private static string CsvTags(string tag) => ";" + tag + ";";

    public static long Seed(string? sqliteJournalPath, string? postgresConnection, IEnumerable<SeedRow> rows) =>
        sqliteJournalPath is not null ? SeedSqlite(sqliteJournalPath, rows) : SeedPostgres(postgresConnection!, rows);

    /// <summary>Events of accounts in the journal (the node's own recovery warm-up markers are not projected, so not counted).</summary>
    public static long CountJournalRows(string? sqliteJournalPath, string? postgresConnection)
    {
        if (sqliteJournalPath is not null)
        {
            using var connection = new SqliteConnection($"Data Source={sqliteJournalPath};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'account-%'";
            return (long)command.ExecuteScalar()!;
        }
        using var pg = new NpgsqlConnection(postgresConnection);
        pg.Open();
        using var count = new NpgsqlCommand("SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'account-%'", pg);
        return (long)count.ExecuteScalar()!;
    }

    /// <summary>Highest snapshot sequence number stored for <paramref name="persistenceId"/>, or 0.</summary>
    public static long LatestSnapshot(string? sqliteJournalPath, string? postgresConnection, string persistenceId)
    {
        const string sql = "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = @p";
        if (sqliteJournalPath is not null)
        {
            // The node keeps SQLite snapshots in their own file next to the journal (NodeSettings.SqliteSnapshotPath).
            var snapshots = Path.ChangeExtension(sqliteJournalPath, ".snapshots.db");
            using var connection = new SqliteConnection($"Data Source={snapshots};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@p", persistenceId);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        using var pg = new NpgsqlConnection(postgresConnection);
        pg.Open();
        using var query = new NpgsqlCommand(sql, pg);
        query.Parameters.AddWithValue("p", persistenceId);
        return Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long SeedSqlite(string path, IEnumerable<SeedRow> rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=60");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // Seeding is set-up, not measurement: no fsync per transaction (the file is synced at the end).
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;";
            pragma.ExecuteNonQuery();
        }
        long ordering;
        using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal";
            ordering = (long)max.ExecuteScalar()!;
        }
        var writer = Guid.NewGuid().ToString("N");
        long written = 0;
        var transaction = connection.BeginTransaction();
        using var journal = connection.CreateCommand();
        journal.CommandText = "INSERT INTO journal (ordering, created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid, tags) " +
                              "VALUES ($o, $c, 0, $p, $s, $m, $man, $id, $w, $t)";
        var jo = journal.Parameters.Add("$o", SqliteType.Integer);
        var jc = journal.Parameters.Add("$c", SqliteType.Integer);
        var jp = journal.Parameters.Add("$p", SqliteType.Text);
        var js = journal.Parameters.Add("$s", SqliteType.Integer);
        var jm = journal.Parameters.Add("$m", SqliteType.Blob);
        var jman = journal.Parameters.Add("$man", SqliteType.Text);
        journal.Parameters.AddWithValue("$id", SerializerId);
        journal.Parameters.AddWithValue("$w", writer);
        var jt = journal.Parameters.Add("$t", SqliteType.Text);
        journal.Transaction = transaction;
        journal.Prepare();
        foreach (var row in rows)
        {
            ordering++;
            jo.Value = ordering;
            jc.Value = DateTime.UtcNow.Ticks;
            jp.Value = row.PersistenceId;
            js.Value = row.SequenceNr;
            jm.Value = row.Message;
            jman.Value = row.Manifest;
            jt.Value = CsvTags(row.Tag);
            journal.ExecuteNonQuery();
            if (++written % 100_000 == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                journal.Transaction = transaction;
            }
        }
        transaction.Commit();
        transaction.Dispose();
        using (var checkpoint = connection.CreateCommand())
        {
            // Hand the node a checkpointed file, synced to disk.
            checkpoint.CommandText = "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        return written;
    }

    private static long SeedPostgres(string connectionString, IEnumerable<SeedRow> rows)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();

        // ordering is an identity column (GENERATED ALWAYS): COPY leaves it to the sequence, which numbers
        // the rows in COPY order.
        var writer = Guid.NewGuid().ToString("N");
        long written = 0;
        using (var import = connection.BeginBinaryImport(
                   "COPY journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid, tags) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                import.StartRow();
                import.Write(DateTime.UtcNow.Ticks, NpgsqlDbType.Bigint);
                import.Write(false, NpgsqlDbType.Boolean);
                import.Write(row.PersistenceId, NpgsqlDbType.Text);
                import.Write(row.SequenceNr, NpgsqlDbType.Bigint);
                import.Write(row.Message, NpgsqlDbType.Bytea);
                import.Write(row.Manifest, NpgsqlDbType.Text);
                import.Write(SerializerId, NpgsqlDbType.Integer);
                import.Write(writer, NpgsqlDbType.Text);
                import.Write(CsvTags(row.Tag), NpgsqlDbType.Text);
                written++;
            }
            import.Complete();
        }
        // A database that grew by a million rows would soon be vacuumed and analyzed by autovacuum; do both now, in
        // set-up, so that work (statistics, the visibility map, every new row's hint bits) does not share the two
        // cores with the measurements that follow. With ANALYZE alone, recovery measured 20-22 ms in full runs
        // against 16-17 ms isolated.
        using (var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) journal;", connection) { CommandTimeout = 600 }) vacuum.ExecuteNonQuery();
        return written;
    }
}
