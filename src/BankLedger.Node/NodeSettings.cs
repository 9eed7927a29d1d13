using BankLedger.ReadStore.Elasticsearch;

namespace BankLedger.Node;

public enum JournalProvider { Sqlite, PostgreSql }

public enum ReadStoreProvider { Sqlite, Elasticsearch }

/// <summary>
/// The validated, resolved form of <see cref="LedgerOptions"/>: every path absolute, every provider known,
/// every role recognised. Built once at start by <see cref="Resolve"/>, which fails with a
/// <see cref="LedgerConfigurationException"/> naming the offending key.
/// </summary>
public sealed record NodeSettings(
    string DataDirectory,
    IReadOnlySet<string> Roles,
    int SnapshotEvery,
    JournalProvider JournalProvider,
    string JournalConnectionString,
    string? SqliteJournalPath,
    ReadStoreProvider ReadStoreProvider,
    string ReadStorePath,
    ElasticsearchReadStoreOptions? Elasticsearch,
    string ClusterHostname,
    int ClusterPort,
    IReadOnlyList<string> SeedNodes,
    HttpOptions Http,
    long GcGen0BudgetBytes,
    long GcGen2BallastBytes)
{
    public static readonly IReadOnlySet<string> KnownRoles = new HashSet<string> { "gateway", "ledger", "projection", "query" };

    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>
    /// SQLite keeps snapshots in a database file of their own next to the journal (<c>journal.snapshots.db</c>),
    /// so that saving a snapshot never holds the journal's single write lock (see PersistenceConfiguration).
    /// Null for PostgreSQL, whose snapshot table lives beside the journal.
    /// </summary>
    public string? SqliteSnapshotPath => SqliteJournalPath is null ? null : Path.ChangeExtension(SqliteJournalPath, ".snapshots.db");

    /// <summary>The snapshot store's connection: the journal's, or for SQLite the same settings on the snapshot file.</summary>
    public string SnapshotConnectionString => SqliteSnapshotPath is { } path
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(JournalConnectionString) { DataSource = path }.ToString()
        : JournalConnectionString;

    /// <summary>Gateway, ledger and projection work through Akka; a node with only the query role does not.</summary>
    public bool NeedsActorSystem => HasRole("gateway") || HasRole("ledger") || HasRole("projection");

    public static NodeSettings Resolve(LedgerOptions options, string baseDirectory)
    {
        var dataDirectory = Path.GetFullPath(Path.Combine(baseDirectory, Require(options.DataDirectory, "Ledger:DataDirectory")));

        var roles = options.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant()).ToHashSet();
        if (roles.Count == 0) throw new LedgerConfigurationException("Ledger:Roles", "at least one role is required (gateway, ledger, projection, query).");
        foreach (var role in roles.Where(r => !KnownRoles.Contains(r)))
            throw new LedgerConfigurationException("Ledger:Roles", $"unknown role '{role}'; known roles are gateway, ledger, projection, query.");

        if (options.SnapshotEvery < 1)
            throw new LedgerConfigurationException("Ledger:SnapshotEvery", $"must be at least 1 (got {options.SnapshotEvery}).");

        var (journalProvider, journalConnection, sqliteJournalPath) = ResolveJournal(options.Journal, dataDirectory);

        var readStoreProvider = options.ReadStore.Provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => ReadStoreProvider.Sqlite,
            "elasticsearch" => ReadStoreProvider.Elasticsearch,
            var other => throw new LedgerConfigurationException("Ledger:ReadStore:Provider", $"unknown provider '{other}'; supported: sqlite, elasticsearch."),
        };
        var elasticsearch = readStoreProvider == ReadStoreProvider.Elasticsearch ? ResolveElasticsearch(options.ReadStore.Elasticsearch) : null;

        if (options.Cluster.Port is < 0 or > 65535)
            throw new LedgerConfigurationException("Ledger:Cluster:Port", $"must be 0..65535 (got {options.Cluster.Port}).");
        var seeds = options.Cluster.SeedNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var seed in seeds.Where(s => !Uri.TryCreate(s, UriKind.Absolute, out _)))
            throw new LedgerConfigurationException("Ledger:Cluster:SeedNodes", $"'{seed}' is not an address like akka.tcp://bankledger@127.0.0.1:4053.");

        if (options.Http.CommandTimeout <= TimeSpan.Zero)
            throw new LedgerConfigurationException("Ledger:Http:CommandTimeout", "must be positive.");
        if (options.Http.ReadYourWritesTimeout < TimeSpan.Zero)
            throw new LedgerConfigurationException("Ledger:Http:ReadYourWritesTimeout", "must not be negative.");
        if (options.Gc.Gen0BudgetBytes < 0)
            throw new LedgerConfigurationException("Ledger:Gc:Gen0BudgetBytes", $"must be 0 (off) or a number of bytes (got {options.Gc.Gen0BudgetBytes}).");
        if (options.Gc.Gen2BallastBytes < 0)
            throw new LedgerConfigurationException("Ledger:Gc:Gen2BallastBytes", $"must be 0 (none) or a number of bytes (got {options.Gc.Gen2BallastBytes}).");

        return new NodeSettings(
            dataDirectory, roles, options.SnapshotEvery, journalProvider, journalConnection, sqliteJournalPath,
            readStoreProvider, Path.Combine(dataDirectory, "readmodel.db"), elasticsearch,
            Require(options.Cluster.Hostname, "Ledger:Cluster:Hostname"), options.Cluster.Port, seeds, options.Http,
            options.Gc.Gen0BudgetBytes, options.Gc.Gen2BallastBytes);
    }

    private static ElasticsearchReadStoreOptions ResolveElasticsearch(ElasticsearchOptions es)
    {
        const string key = "Ledger:ReadStore:Elasticsearch";
        if (string.IsNullOrWhiteSpace(es.Url))
            throw new LedgerConfigurationException(key + ":Url", "is required when Ledger:ReadStore:Provider is elasticsearch (e.g. http://127.0.0.1:9200).");
        IReadOnlyList<Uri> urls;
        try
        {
            urls = ElasticsearchReadStoreOptions.ParseUrls(es.Url);
        }
        catch (ArgumentException e)
        {
            throw new LedgerConfigurationException(key + ":Url", e.Message);
        }
        if (!string.IsNullOrEmpty(es.Password) && string.IsNullOrEmpty(es.Username))
            throw new LedgerConfigurationException(key + ":Username", "is required when a password is set.");
        if (!string.IsNullOrEmpty(es.ApiKey) && !string.IsNullOrEmpty(es.Username))
            throw new LedgerConfigurationException(key + ":ApiKey", "set either ApiKey or Username/Password, not both.");
        return new ElasticsearchReadStoreOptions
        {
            Urls = urls,
            ApiKey = NullIfEmpty(es.ApiKey),
            Username = NullIfEmpty(es.Username),
            Password = NullIfEmpty(es.Password),
            CertificateFingerprint = NullIfEmpty(es.CertificateFingerprint),
            IndexPrefix = Require(es.IndexPrefix, key + ":IndexPrefix"),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static (JournalProvider, string, string?) ResolveJournal(JournalOptions journal, string dataDirectory)
    {
        switch (journal.Provider.Trim().ToLowerInvariant())
        {
            case "sqlite":
                if (!string.IsNullOrWhiteSpace(journal.ConnectionString))
                {
                    var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(journal.ConnectionString);
                    if (string.IsNullOrWhiteSpace(builder.DataSource))
                        throw new LedgerConfigurationException("Ledger:Journal:ConnectionString", "a SQLite connection string needs 'Data Source=<file>'.");
                    return (JournalProvider.Sqlite, journal.ConnectionString, Path.GetFullPath(builder.DataSource));
                }
                var path = Path.Combine(dataDirectory, "journal.db");
                return (JournalProvider.Sqlite, $"Data Source={path};Pooling=True", path);
            case "postgresql" or "postgres":
                if (string.IsNullOrWhiteSpace(journal.ConnectionString))
                    throw new LedgerConfigurationException("Ledger:Journal:ConnectionString", "is required when Ledger:Journal:Provider is postgresql.");
                return (JournalProvider.PostgreSql, journal.ConnectionString, null);
            case var other:
                throw new LedgerConfigurationException("Ledger:Journal:Provider", $"unknown provider '{other}'; supported: sqlite, postgresql.");
        }
    }

    private static string Require(string? value, string key) =>
        string.IsNullOrWhiteSpace(value) ? throw new LedgerConfigurationException(key, "must not be empty.") : value;
}
