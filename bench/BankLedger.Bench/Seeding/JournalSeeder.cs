using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace BankLedger.Bench.Seeding;

/// <summary>
/// Appends rows to the journal and tags tables the node's Akka.Persistence.Sql plugin created (tag-table
/// mode), in its exact format: ordering, created (UTC ticks), deleted=false, persistence_id, sequence_number,
/// message, manifest, identifier (serializer id), writer_uuid — plus one tags row per event.
/// The tables must exist (the node creates them on its first write).
/// </summary>
internal static class JournalSeeder
{
    public const int SerializerId = BankLedger.Ledger.Serialization.LedgerSerializer.SerializerId;

    public static long Seed(string? sqliteJournalPath, string? postgresConnection, IEnumerable<SeedRow> rows) =>
        sqliteJournalPath is not null ? SeedSqlite(sqliteJournalPath, rows) : SeedPostgres(postgresConnection!, rows);

    public static long CountJournalRows(string? sqliteJournalPath, string? postgresConnection)
    {
        if (sqliteJournalPath is not null)
        {
            using var connection = new SqliteConnection($"Data Source={sqliteJournalPath};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM journal";
            return (long)command.ExecuteScalar()!;
        }
        using var pg = new NpgsqlConnection(postgresConnection);
        pg.Open();
        using var count = new NpgsqlCommand("SELECT COUNT(*) FROM journal", pg);
        return (long)count.ExecuteScalar()!;
    }

    /// <summary>Highest snapshot sequence number stored for <paramref name="persistenceId"/>, or 0.</summary>
    public static long LatestSnapshot(string? sqliteJournalPath, string? postgresConnection, string persistenceId)
    {
        const string sql = "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = @p";
        if (sqliteJournalPath is not null)
        {
            using var connection = new SqliteConnection($"Data Source={sqliteJournalPath};Pooling=False");
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
        journal.CommandText = "INSERT INTO journal (ordering, created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
                              "VALUES ($o, $c, 0, $p, $s, $m, $man, $id, $w)";
        var jo = journal.Parameters.Add("$o", SqliteType.Integer);
        var jc = journal.Parameters.Add("$c", SqliteType.Integer);
        var jp = journal.Parameters.Add("$p", SqliteType.Text);
        var js = journal.Parameters.Add("$s", SqliteType.Integer);
        var jm = journal.Parameters.Add("$m", SqliteType.Blob);
        var jman = journal.Parameters.Add("$man", SqliteType.Text);
        journal.Parameters.AddWithValue("$id", SerializerId);
        journal.Parameters.AddWithValue("$w", writer);
        using var tags = connection.CreateCommand();
        tags.CommandText = "INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES ($o, $t, $s, $p)";
        var to = tags.Parameters.Add("$o", SqliteType.Integer);
        var tt = tags.Parameters.Add("$t", SqliteType.Text);
        var ts = tags.Parameters.Add("$s", SqliteType.Integer);
        var tp = tags.Parameters.Add("$p", SqliteType.Text);
        journal.Transaction = transaction;
        tags.Transaction = transaction;
        journal.Prepare();
        tags.Prepare();
        foreach (var row in rows)
        {
            ordering++;
            jo.Value = ordering;
            jc.Value = DateTime.UtcNow.Ticks;
            jp.Value = row.PersistenceId;
            js.Value = row.SequenceNr;
            jm.Value = row.Message;
            jman.Value = row.Manifest;
            journal.ExecuteNonQuery();
            to.Value = ordering;
            tt.Value = row.Tag;
            ts.Value = row.SequenceNr;
            tp.Value = row.PersistenceId;
            tags.ExecuteNonQuery();
            if (++written % 100_000 == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                journal.Transaction = transaction;
                tags.Transaction = transaction;
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
        long before;
        using (var max = new NpgsqlCommand("SELECT COALESCE(MAX(ordering), 0) FROM journal", connection)) before = (long)max.ExecuteScalar()!;

        // ordering is an identity column (GENERATED ALWAYS): COPY leaves it to the sequence, which numbers
        // the rows in COPY order; the tags rows then take each event's ordering from the journal.
        var writer = Guid.NewGuid().ToString("N");
        var tagOf = new Dictionary<string, string>();
        long written = 0;
        using (var import = connection.BeginBinaryImport(
                   "COPY journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) FROM STDIN (FORMAT BINARY)"))
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
                tagOf.TryAdd(row.PersistenceId, row.Tag);
                written++;
            }
            import.Complete();
        }
        using (var temp = new NpgsqlCommand("CREATE TEMP TABLE seed_tags (persistence_id text PRIMARY KEY, tag text NOT NULL)", connection)) temp.ExecuteNonQuery();
        using (var import = connection.BeginBinaryImport("COPY seed_tags (persistence_id, tag) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (persistenceId, tag) in tagOf)
            {
                import.StartRow();
                import.Write(persistenceId, NpgsqlDbType.Text);
                import.Write(tag, NpgsqlDbType.Text);
            }
            import.Complete();
        }
        using (var insert = new NpgsqlCommand(
                   "INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) " +
                   "SELECT j.ordering, s.tag, j.sequence_number, j.persistence_id FROM journal j JOIN seed_tags s ON s.persistence_id = j.persistence_id " +
                   "WHERE j.ordering > @before", connection))
        {
            insert.CommandTimeout = 600;
            insert.Parameters.AddWithValue("before", before);
            insert.ExecuteNonQuery();
        }
        // A database that grew by a million rows would have been auto-analyzed by now; do it at once.
        using (var analyze = new NpgsqlCommand("ANALYZE journal; ANALYZE tags;", connection) { CommandTimeout = 600 }) analyze.ExecuteNonQuery();
        return written;
    }
}
