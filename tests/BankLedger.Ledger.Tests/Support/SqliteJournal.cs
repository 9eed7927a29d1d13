using Akka.Configuration;
using Akka.Persistence.Sql;
using BankLedger.TestSupport;
using Microsoft.Data.Sqlite;

namespace BankLedger.Ledger.Tests.Support;

/// <summary>
/// A real SQLite journal file in a fresh temp folder, the Akka configuration that points the SQL journal
/// and snapshot store at it (shaped like the node's: hocon/persistence.conf + PersistenceConfiguration),
/// and read-only SQL probes for what the plugin stored.
/// </summary>
internal sealed class SqliteJournal : IDisposable
{
    private readonly TempDirectory _directory;

    public SqliteJournal()
    {
        _directory = new TempDirectory("ledger-tests");
        DatabasePath = _directory.Combine("journal.db");
        EnableWriteAheadLog(DatabasePath);
        Config = BuildConfig(DatabasePath);
    }

    public string DatabasePath { get; }

    public Config Config { get; }

    /// <summary>One stored journal row of a persistence id.</summary>
    public sealed record JournalRow(long SequenceNr, string Manifest, int SerializerId, bool Deleted, byte[] Payload);

    /// <summary>One row of the tag table.</summary>
    public sealed record TagRow(long OrderingId, string Tag, long SequenceNr);

    /// <summary>One stored snapshot of a persistence id.</summary>
    public sealed record SnapshotRow(long SequenceNr, string Manifest, int SerializerId, byte[] Payload);

    public IReadOnlyList<JournalRow> JournalRows(string persistenceId) => Query(
        "SELECT sequence_number, manifest, identifier, deleted, message FROM journal WHERE persistence_id = $id ORDER BY sequence_number",
        persistenceId,
        r => new JournalRow(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetBoolean(3), (byte[])r.GetValue(4)));

    public IReadOnlyList<TagRow> TagRows(string persistenceId) => Query(
        "SELECT ordering_id, tag, sequence_nr FROM tags WHERE persistence_id = $id ORDER BY sequence_nr",
        persistenceId,
        r => new TagRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2)));

    public IReadOnlyList<SnapshotRow> SnapshotRows(string persistenceId) => Query(
        "SELECT sequence_number, manifest, serializer_id, snapshot FROM snapshot WHERE persistence_id = $id ORDER BY sequence_number",
        persistenceId,
        r => new SnapshotRow(r.GetInt64(0), r.GetString(1), r.GetInt32(2), (byte[])r.GetValue(3)));

    /// <summary>Number of stored events of a persistence id; 0 also when the plugin has not created its tables yet.</summary>
    public int EventCount(string persistenceId)
    {
        try
        {
            return JournalRows(persistenceId).Count;
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    public void Dispose()
    {
        // Microsoft.Data.Sqlite pools connections (the plugin's included); release the file before deleting it.
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private List<T> Query<T>(string sql, string persistenceId, Func<SqliteDataReader, T> read)
    {
        // Read-only and unpooled: a probe must neither write nor keep the file open after the test.
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    /// <summary>Same as the node's DataDirectory.EnableWriteAheadLog: WAL is a property of the file, set before the plugin opens it.</summary>
    private static void EnableWriteAheadLog(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused WAL mode for '{databasePath}' (got '{mode}').");
    }

    private static Config BuildConfig(string databasePath)
    {
        var connection = $"\"Data Source={databasePath.Replace("\\", "\\\\", StringComparison.Ordinal)}\"";
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              actor {
                serializers {
                  bankledger = "BankLedger.Ledger.Serialization.LedgerSerializer, BankLedger.Ledger"
                }
                serialization-bindings {
                  "BankLedger.Domain.AccountEvent, BankLedger.Domain" = bankledger
                  "BankLedger.Domain.AccountState, BankLedger.Domain" = bankledger
                }
              }
              persistence {
                journal {
                  plugin = "akka.persistence.journal.sql"
                  sql {
                    connection-string = {{connection}}
                    provider-name = "SQLite.MS"
                    # SQLite has one writer at a time; as in the node (PersistenceConfiguration).
                    parallelism = 1
                    tag-write-mode = TagTable
                    event-adapters {
                      partition-tags = "BankLedger.Ledger.Tagging.PartitionTaggingAdapter, BankLedger.Ledger"
                    }
                    event-adapter-bindings {
                      "BankLedger.Domain.AccountEvent, BankLedger.Domain" = partition-tags
                    }
                  }
                }
                snapshot-store {
                  plugin = "akka.persistence.snapshot-store.sql"
                  sql {
                    connection-string = {{connection}}
                    provider-name = "SQLite.MS"
                  }
                }
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }
}
