namespace BankLedger.Bench;

internal enum StoreKind { Sqlite, PostgreSql }

/// <summary>Command line of the harness.</summary>
internal sealed record BenchOptions
{
    public const string PostgresEnvironmentVariable = "BANKLEDGER_BENCH_POSTGRES";

    /// <summary>Every scenario, in the order <c>all</c> runs them.</summary>
    public static readonly IReadOnlyList<string> AllScenarios = ["raw", "crud", "recovery", "rebuild", "write", "read", "hot", "es"];

    public const string Usage = """
        usage: dotnet run -c Release --project bench/BankLedger.Bench -- <scenario[,scenario...]|all> [options]

        scenarios: raw, crud, recovery, rebuild, write, read, hot, es   (ledger = write,read,hot; all = everything)
        options:
          --quick                 2,000 accounts, fewer rates, shorter phases (budget: a minute on an idle 2-core machine)
          --json FILE             write the results as JSON (keys: see bench/README.md)
          --markdown FILE         also write the Markdown report to FILE
          --store sqlite|postgresql   journal database (default sqlite)
          --pg "<conn>"           PostgreSQL server to create throwaway databases on (or env BANKLEDGER_BENCH_POSTGRES)
          --node-dll PATH         ledger node to drive (default: the Release build of src/BankLedger.Node)
          --node-env KEY=VALUE    environment variable for every ledger node started (repeatable), e.g.
                                  DOTNET_GCgen0size=0x1000000 to try a runtime setting; recorded in the JSON
          --note TEXT             free text stored in the JSON (e.g. "shared machine")
          --keep                  keep the run's data folder (default: deleted at the end)
          --latency-log DIR       write every recorded request's send time and latency, one file per phase
        """;

    public required IReadOnlySet<string> Scenarios { get; init; }
    public bool Quick { get; init; }
    public string? JsonPath { get; init; }
    public string? MarkdownPath { get; init; }
    public StoreKind Store { get; init; } = StoreKind.Sqlite;
    public string? PostgresConnection { get; init; }
    public string? NodeDll { get; init; }
    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();
    public string? Note { get; init; }
    public bool Keep { get; init; }
    public string? LatencyLogDirectory { get; init; }
    public bool ShowHelp { get; init; }

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help") return new BenchOptions { Scenarios = new HashSet<string>(), ShowHelp = true };

        var scenarios = new HashSet<string>();
        foreach (var name in args[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (name.ToLowerInvariant())
            {
                case "all": scenarios.UnionWith(AllScenarios); break;
                case "ledger": scenarios.UnionWith(["write", "read", "hot"]); break;
                case var s when AllScenarios.Contains(s): scenarios.Add(s); break;
                default: throw new ArgumentException($"unknown scenario '{name}'");
            }
        }

        bool quick = false, keep = false;
        string? json = null, markdown = null, pg = null, nodeDll = null, note = null, latencyLog = null;
        var store = StoreKind.Sqlite;
        var nodeEnvironment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--keep": keep = true; break;
                case "--json": json = Value(); break;
                case "--markdown": markdown = Value(); break;
                case "--pg": pg = Value(); break;
                case "--node-dll": nodeDll = Value(); break;
                case "--note": note = Value(); break;
                case "--latency-log": latencyLog = Value(); break;
                case "--node-env":
                    var assignment = Value();
                    var equals = assignment.IndexOf('=');
                    if (equals <= 0) throw new ArgumentException($"--node-env needs KEY=VALUE, got '{assignment}'");
                    nodeEnvironment[assignment[..equals]] = assignment[(equals + 1)..];
                    break;
                case "--store":
                    store = Value().ToLowerInvariant() switch
                    {
                        "sqlite" => StoreKind.Sqlite,
                        "postgresql" or "postgres" or "pg" => StoreKind.PostgreSql,
                        var other => throw new ArgumentException($"unknown store '{other}' (sqlite or postgresql)"),
                    };
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        pg ??= Environment.GetEnvironmentVariable(PostgresEnvironmentVariable);
        if (store == StoreKind.PostgreSql && string.IsNullOrWhiteSpace(pg))
            throw new ArgumentException($"--store postgresql needs --pg \"<connection string>\" or {PostgresEnvironmentVariable}");

        return new BenchOptions
        {
            Scenarios = scenarios, Quick = quick, JsonPath = json, MarkdownPath = markdown, Store = store,
            PostgresConnection = store == StoreKind.PostgreSql ? pg : null, NodeDll = nodeDll, Note = note, Keep = keep,
            NodeEnvironment = nodeEnvironment, LatencyLogDirectory = latencyLog,
        };
    }
}
