using Microsoft.Data.Sqlite;

namespace BankLedger.Node.Hosting;

/// <summary>Prepares the on-disk state a node needs before anything opens a database.</summary>
internal static class DataDirectory
{
    /// <summary>Creates the data folder and proves it is writable, so a bad path fails at start, by name.</summary>
    public static void Prepare(NodeSettings settings)
    {
        try
        {
            Directory.CreateDirectory(settings.DataDirectory);
            var probe = Path.Combine(settings.DataDirectory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LedgerConfigurationException("Ledger:DataDirectory", $"'{settings.DataDirectory}' is not a writable folder ({e.Message}).");
        }

        if (settings.NeedsActorSystem && settings.SqliteJournalPath is { } journal) EnableWriteAheadLog(journal);
        if (settings.NeedsActorSystem && settings.SqliteSnapshotPath is { } snapshots) EnableWriteAheadLog(snapshots);
    }

    /// <summary>
    /// WAL is a property of the database file, and the journal plugin's connection string cannot set it,
    /// so it is switched on once here before the plugin opens the file. In WAL mode a commit appends to the
    /// log instead of rewriting pages, and readers (the projection's queries) never block the writer.
    /// synchronous stays at its FULL default: every commit is fsynced, so an accepted command survives power loss.
    /// </summary>
    public static void EnableWriteAheadLog(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused WAL mode for '{databasePath}' (got '{mode}').");
    }
}
