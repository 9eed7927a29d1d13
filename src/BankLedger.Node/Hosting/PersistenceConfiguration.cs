using Akka.Configuration;
using Akka.Persistence.Sql;

namespace BankLedger.Node.Hosting;

/// <summary>Builds the persistence HOCON: chosen database first, then hocon/persistence.conf, then plugin defaults.</summary>
internal static class PersistenceConfiguration
{
    public static Config Build(NodeSettings settings)
    {
        var provider = ProviderName(settings.JournalProvider);
        var (parallelism, readIsolation) = settings.JournalProvider switch
        {
            // SQLite has a single writer, so one write stream suffices.
            // Reads on SQLite: Microsoft.Data.Sqlite turns the plugin's default ("unspecified" = serializable)
            // into BEGIN IMMEDIATE, which takes the database's single write lock, so every projection poll
            // and every recovery read queued behind (and in front of) journal writes, and the driver's busy
            // loop slept between retries: measured write P50 of 57 ms at only 100 commands/s. "read-uncommitted"
            // makes it a plain deferred BEGIN. Without shared cache (we never enable it) SQLite ignores the
            // read_uncommitted pragma, so such a read still sees exactly the committed WAL snapshot of its start.
            JournalProvider.Sqlite => (1, "read-uncommitted"),
            JournalProvider.PostgreSql => (3, "read-committed"),
            _ => throw new ArgumentOutOfRangeException(nameof(settings)),
        };
        var connection = Quote(settings.JournalConnectionString);
        // SQLite: snapshots in their own file. A database has one write lock, and Microsoft.Data.Sqlite answers
        // a busy lock by sleeping and retrying (150 ms steps), so a snapshot save (a hot account's can be a few
        // hundred KB: its idempotency window) that overlapped a journal commit cost the commands behind it
        // ~150 ms: measured P99 of 157-160 ms for the hot mix at 250-500 commands/s.
        var snapshotConnection = Quote(settings.SnapshotConnectionString);
        var database = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql {
              connection-string = {{connection}}
              provider-name = "{{provider}}"
              parallelism = {{parallelism}}
              read-isolation-level = {{readIsolation}}
            }
            akka.persistence.snapshot-store.sql {
              connection-string = {{snapshotConnection}}
              provider-name = "{{provider}}"
              read-isolation-level = {{readIsolation}}
            }
            akka.persistence.query.journal.sql {
              connection-string = {{connection}}
              provider-name = "{{provider}}"
              read-isolation-level = {{readIsolation}}
            }
            """);
        return database
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(HoconFile("persistence.conf"))))
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The linq2db provider name. "PostgreSQL.15" exactly: the plugin creates the ordering column as an
    /// identity column only for that name.</summary>
    public static string ProviderName(JournalProvider journal) => journal switch
    {
        JournalProvider.Sqlite => "SQLite.MS",
        JournalProvider.PostgreSql => "PostgreSQL.15",
        _ => throw new ArgumentOutOfRangeException(nameof(journal)),
    };

    private static string HoconFile(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "hocon", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"HOCON file missing next to the executable: {path}");
    }

    /// <summary>HOCON-quotes a value (connection strings contain ';', '=' and possibly quotes).</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
