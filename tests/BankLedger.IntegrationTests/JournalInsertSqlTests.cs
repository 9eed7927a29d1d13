using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Db;
using Akka.Persistence.Sql.Journal.Types;
using BankLedger.Node;
using BankLedger.Node.Hosting;
using BankLedger.TestSupport;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Metrics;
using System.Runtime.CompilerServices;

namespace BankLedger.IntegrationTests;

/// <summary>
/// The journal plugin's linq2db options (<see cref="JournalInsertSql"/>), driven through the plugin's own connection
/// factory and row mapping on real SQLite and PostgreSQL: the INSERT's SQL is built once, every value (nulls
/// included) is stored as given, and statements other than the plain insert still get linq2db's null handling.
/// </summary>
public sealed class JournalInsertSqlTests
{
    private const int Rows = 40;

    [Fact]
    public async Task On_sqlite_the_insert_is_built_once_and_stores_every_value()
    {
        using var data = new TempDirectory("journal-insert");
        var connectionString = $"Data Source={Path.Combine(data.Path, "journal.db")}";
        await CheckAsync(JournalProvider.Sqlite, connectionString);
    }

    [Fact]
    public async Task On_postgresql_the_insert_is_built_once_and_stores_every_value()
    {
        await using var database = await PostgresDatabase.CreateAsync("journal_insert");
        await CheckAsync(JournalProvider.PostgreSql, database.ConnectionString);
    }

    [Fact]
    public async Task Without_it_linq2db_builds_the_insert_for_every_row()
    {
        // The control: proves the build counter sees what the other tests say is not there.
        using var data = new TempDirectory("journal-insert-stock");
        var factory = await CreateJournalAsync(JournalProvider.Sqlite, $"Data Source={Path.Combine(data.Path, "journal.db")}", ours: false);

        var builds = await CountSqlBuildsAsync(() => InsertAsync(factory, RowsToWrite("acc-stock")));

        Assert.Equal(Rows, builds);
    }

    private static async Task CheckAsync(JournalProvider provider, string connectionString)
    {
        var factory = await CreateJournalAsync(provider, connectionString, ours: true);
        var written = RowsToWrite("acc-" + provider);

        var builds = await CountSqlBuildsAsync(() => InsertAsync(factory, written));

        // At most the first insert builds (none if an earlier test in this process cached the same statement).
        Assert.InRange(builds, 0, 1);
        await using var connection = factory.GetConnection();
        var stored = await LinqToDB.Async.AsyncExtensions.ToListAsync(connection.GetTable<JournalRow>()
            .Where(r => r.PersistenceId == written[0].PersistenceId)
            .OrderBy(r => r.SequenceNumber));
        Assert.Equal(written.Select(Describe), stored.Select(Describe));
        Assert.All(stored, r => Assert.True(r.Ordering > 0));

        // A comparison with a null parameter is still rewritten to IS NULL (the SQL depends on the value there).
        string? noTags = null;
        var untagged = await LinqToDB.Async.AsyncExtensions.CountAsync(connection.GetTable<JournalRow>()
            .Where(r => r.PersistenceId == written[0].PersistenceId && r.Tags == noTags));
        Assert.Equal(written.Count(r => r.Tags is null), untagged);
    }

    private static async Task<AkkaPersistenceDataConnectionFactory> CreateJournalAsync(JournalProvider provider, string connectionString, bool ours)
    {
        var providerName = PersistenceConfiguration.ProviderName(provider);
        var hocon = ConfigurationFactory.ParseString($$"""
            connection-string = "{{connectionString.Replace("\\", "\\\\")}}"
            provider-name = "{{providerName}}"
            tag-write-mode = Csv
            use-clone-connection = false
            """).WithFallback(SqlPersistence.DefaultConfiguration.GetConfig(JournalInsertSql.JournalPluginId));
        var config = new JournalConfig(hocon);
        if (ours)
        {
            Assert.True(JournalInsertSql.Setup(provider, connectionString).TryGetDataOptionsFor(JournalInsertSql.JournalPluginId, out var options));
            config = config.WithDataOptions(options!);
        }
        var factory = new AkkaPersistenceDataConnectionFactory(config);
        await using var connection = factory.GetConnection();
        await connection.CreateTableAsync<JournalRow>(TableOptions.CreateIfNotExists);
        return factory;
    }

    /// <summary>Rows as the plugin writes them, the optional columns alternating between a value and null.</summary>
    private static List<JournalRow> RowsToWrite(string persistenceId) =>
        Enumerable.Range(1, Rows).Select(i => new JournalRow
        {
            PersistenceId = persistenceId,
            SequenceNumber = i,
            Timestamp = 1_700_000_000_000 + i,
            Message = [(byte)i, 0, 255, (byte)(i * 7)],
            Identifier = i % 2 == 0 ? 1234 : null,
            Manifest = i % 3 == 0 ? "" : "M" + i,
            Tags = i % 2 == 0 ? ";p" + (i % 8) + ";" : null,
            WriterUuid = i % 5 == 0 ? null : "writer-" + i,
        }).ToList();

    private static async Task InsertAsync(AkkaPersistenceDataConnectionFactory factory, IEnumerable<JournalRow> rows)
    {
        foreach (var row in rows)
        {
            await using var connection = factory.GetConnection();
            await connection.InsertAsync(row);
        }
    }

    private static string Describe(JournalRow r) =>
        $"{r.PersistenceId}/{r.SequenceNumber} t={r.Timestamp} m={Convert.ToHexString(r.Message)} id={r.Identifier} " +
        $"man={r.Manifest} tags={r.Tags ?? "<null>"} w={r.WriterUuid ?? "<null>"} deleted={r.Deleted}";

    // linq2db reports each SQL build as an activity; the factory is process-wide, so count only this flow's builds.
    private static readonly AsyncLocal<StrongBox<int>?> BuildCounter = new();

    static JournalInsertSqlTests() => ActivityService.AddFactory(id =>
    {
        if (id == ActivityID.BuildSql && BuildCounter.Value is { } counter)
        {
            Interlocked.Increment(ref counter.Value);
        }
        return null;
    });

    private static async Task<int> CountSqlBuildsAsync(Func<Task> work)
    {
        var counter = new StrongBox<int>();
        BuildCounter.Value = counter;
        try
        {
            await work();
        }
        finally
        {
            BuildCounter.Value = null;
        }
        return counter.Value;
    }
}
