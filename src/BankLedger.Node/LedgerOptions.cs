namespace BankLedger.Node;

/// <summary>The <c>Ledger</c> configuration section (appsettings, <c>Ledger__X__Y</c> env vars, <c>--Ledger:X:Y=</c>).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>Folder for SQLite files (journal, read model). Created if missing.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Comma-separated node roles: gateway, ledger, projection, query. Default: all (embedded mode).</summary>
    public string Roles { get; set; } = "gateway,ledger,projection,query";

    /// <summary>Events between account snapshots.</summary>
    public int SnapshotEvery { get; set; } = 100;

    public JournalOptions Journal { get; set; } = new();
    public ReadStoreOptions ReadStore { get; set; } = new();
    public ClusterNodeOptions Cluster { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public GcOptions Gc { get; set; } = new();
}

public sealed class GcOptions
{
    /// <summary>
    /// Bytes the node may allocate before it collects generation 0 itself, which keeps each pause short
    /// (see <c>Hosting/GcPacer.cs</c>); 0 leaves collections to the runtime alone. Applies under server GC (the
    /// node's default).
    /// </summary>
    public long Gen0BudgetBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Reference-free memory the node keeps in generation 2 so that background gen-2 collections are rare (see
    /// <c>Hosting/GcBallast.cs</c>); at most 1/8 of the memory available to the GC; 0 = none. Applies under server
    /// GC (the node's default). Costs up to that much resident memory.
    /// </summary>
    public long Gen2BallastBytes { get; set; } = 512L * 1024 * 1024;
}

public sealed class JournalOptions
{
    /// <summary><c>sqlite</c> (default, file in DataDirectory) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Required for postgresql; optional for sqlite (default: DataDirectory/journal.db).</summary>
    public string? ConnectionString { get; set; }
}

public sealed class ReadStoreOptions
{
    /// <summary><c>sqlite</c> (default, file in DataDirectory) or <c>elasticsearch</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public ElasticsearchOptions Elasticsearch { get; set; } = new();
}

/// <summary><c>Ledger:ReadStore:Elasticsearch</c>: where and how to reach the Elasticsearch read model.</summary>
public sealed class ElasticsearchOptions
{
    /// <summary>One or more node URLs, comma-separated (e.g. <c>https://es1:9200,https://es2:9200</c>).</summary>
    public string? Url { get; set; }

    /// <summary>API key (base64 "id:key" as Kibana shows it). Use this or Username/Password.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>SHA-256 fingerprint of the cluster's CA certificate, for self-signed TLS (ES 8+/9 default).</summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>Prefix of every index and alias the ledger creates (<c>{prefix}-accounts</c>, ...).</summary>
    public string IndexPrefix { get; set; } = "bankledger";
}

public sealed class ClusterNodeOptions
{
    /// <summary>Address other nodes reach this one at.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Akka.Remote port; 0 picks a free one (fine for a single node).</summary>
    public int Port { get; set; }

    /// <summary>Comma-separated seed addresses (akka.tcp://bankledger@host:port). Empty: the node forms its own cluster.</summary>
    public string SeedNodes { get; set; } = "";
}

public sealed class HttpOptions
{
    /// <summary>How long a command waits for its account actor before 503 ledger_unavailable.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a query waits for min_sequence / X-Consistency-Token before 504 projection_lagging.</summary>
    public TimeSpan ReadYourWritesTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Idle time after which an account actor is passivated (unloaded from memory).</summary>
    public TimeSpan PassivateIdleAccountsAfter { get; set; } = TimeSpan.FromMinutes(2);
}
