using Akka.Configuration;
using Akka.Persistence.Sql;

namespace BankLedger.Node.Hosting;

/// <summary>Builds the persistence HOCON: chosen database first, then hocon/persistence.conf, then plugin defaults.</summary>
internal static class PersistenceConfiguration
{
    public static Config Build(NodeSettings settings)
    {
        var (provider, parallelism) = settings.JournalProvider switch
        {
            // linq2db provider names. "PostgreSQL.15" exactly: the plugin creates the ordering column as an
            // identity column only for that name. SQLite has a single writer, so one write stream suffices.
            JournalProvider.Sqlite => ("SQLite.MS", 1),
            JournalProvider.PostgreSql => ("PostgreSQL.15", 3),
            _ => throw new ArgumentOutOfRangeException(nameof(settings)),
        };
        var connection = Quote(settings.JournalConnectionString);
        var database = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql {
              connection-string = {{connection}}
              provider-name = "{{provider}}"
              parallelism = {{parallelism}}
            }
            akka.persistence.snapshot-store.sql {
              connection-string = {{connection}}
              provider-name = "{{provider}}"
            }
            akka.persistence.query.journal.sql {
              connection-string = {{connection}}
              provider-name = "{{provider}}"
            }
            """);
        return database
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(HoconFile("persistence.conf"))))
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    private static string HoconFile(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "hocon", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"HOCON file missing next to the executable: {path}");
    }

    /// <summary>HOCON-quotes a value (connection strings contain ';', '=' and possibly quotes).</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
