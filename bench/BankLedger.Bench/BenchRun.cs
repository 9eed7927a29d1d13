using System.Globalization;
using BankLedger.Bench.Infrastructure;
using BankLedger.Bench.Load;
using BankLedger.Bench.Reporting;
using BankLedger.Bench.Scenarios;
using Microsoft.Data.Sqlite;

namespace BankLedger.Bench;

/// <summary>One invocation: runs the selected scenarios in a fixed order and reports.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var results = new Results();
        var repoRoot = BuildInfo.RepoRoot;
        var nodeDll = options.NodeDll ?? BuildInfo.NodeDll;
        var runTag = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 3));
        var workDirectory = Path.Combine(Path.GetTempPath(), $"bankledger-bench-{started:yyyyMMdd-HHmmss}-{runTag}");
        Directory.CreateDirectory(workDirectory);

        var loadStart = MachineInfo.LoadAverage1m;
        results.Set("date", started.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        results.Set("git_commit", MachineInfo.GitCommit(repoRoot));
        results.Set("src_dirty", MachineInfo.SourceDirty(repoRoot));
        results.Set("store", options.Store == StoreKind.PostgreSql ? "postgresql" : "sqlite");
        results.Set("quick", options.Quick);
        results.Set("scenarios", string.Join(",", BenchOptions.AllScenarios.Where(options.Runs)));
        if (options.Note is not null) results.Set("note", options.Note);
        if (options.NodeEnvironment.Count > 0)
            results.Set("node_environment", string.Join(" ", options.NodeEnvironment.Select(e => $"{e.Key}={e.Value}")));

        await using var postgres = options.PostgresConnection is null ? null : new PostgresServer(options.PostgresConnection);
        OpenLoop.LatencyLogDirectory = options.LatencyLogDirectory;
        var context = new BenchContext
        {
            Options = options,
            Profile = new Profile(options.Quick),
            Results = results,
            WorkDirectory = workDirectory,
            Node = new NodeProgram(nodeDll, options.NodeEnvironment),
            Postgres = postgres,
            RunTag = runTag,
            CreatedAt = started.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        context.Log($"bench {results.Get("scenarios")} on {results.Get("store")}{(options.Quick ? " (quick)" : "")}; node {nodeDll}; data in {workDirectory}");
        context.Log($"machine: {MachineInfo.Cores} cores, load average {loadStart?.ToString("F2", CultureInfo.InvariantCulture) ?? "?"}");
        results.Set("store_version", postgres is not null ? "PostgreSQL " + await postgres.ServerVersionAsync() : "SQLite " + SqliteVersion());

        var exitCode = 0;
        try
        {
            if (options.Runs("raw")) await RawScenario.RunAsync(context);
            if (options.Runs("crud")) await CrudScenario.RunAsync(context);
            var ledger = options.Runs("write") || options.Runs("read") || options.Runs("hot");
            LedgerNode? reuse = null;
            if (options.Runs("recovery") || options.Runs("rebuild"))
                (reuse, _) = await SeededJournalScenario.RunAsync(context, options.Runs("rebuild"), options.Runs("recovery"), keepNode: ledger);
            if (ledger) await LedgerScenario.RunAsync(context, reuse);
            if (options.Runs("es")) await ElasticsearchScenario.RunAsync(context);
        }
        catch (Exception e)
        {
            exitCode = 1;
            results.Note($"run aborted: {e.GetType().Name}: {e.Message}");
            await Console.Error.WriteLineAsync(e.ToString());
        }

        var loadEnd = MachineInfo.LoadAverage1m;
        var memory = MachineInfo.TotalMemoryBytes;
        results.Set("machine", new Dictionary<string, object?>
        {
            ["cores"] = MachineInfo.Cores,
            ["memory_bytes"] = memory,
            ["memory_gib"] = memory is null ? null : Math.Round(memory.Value / (1024.0 * 1024 * 1024), 1),
            ["cpu"] = MachineInfo.CpuModel,
            ["os"] = MachineInfo.Os,
            ["runtime"] = MachineInfo.Runtime,
            ["load_avg_1m_start"] = loadStart,
            ["load_avg_1m_end"] = loadEnd,
        });
        if (loadStart > MachineInfo.Cores * 0.75 || loadEnd > MachineInfo.Cores * 1.5)
            results.Note($"busy machine: 1-minute load average {loadStart:F2} at start, {loadEnd:F2} at end on {MachineInfo.Cores} cores " +
                         "(the end includes this run's own load); numbers may be pessimistic");
        if (results.Get("src_dirty") is true)
            results.Note("src/ or hocon/ had uncommitted changes when the node was built: the node measured is not exactly git_commit");
        results.Set("elapsed_s", Math.Round(context.ElapsedSeconds, 1));
        if (options.Quick && context.ElapsedSeconds > 60 && options.Scenarios.Count == BenchOptions.AllScenarios.Count)
            results.Note($"the quick run took {context.ElapsedSeconds:F0} s (budget 60 s): node starts took {results.Get("node_start_s")} s each and set-up " +
                         $"(opening {context.Profile.Accounts:N0} accounts over HTTP: {results.Get("setup_open_accounts_s")} s) runs at the node's speed");
        if (results.Get("ledger_journal_rows_before_write") is null) results.Set("ledger_journal_rows_before_write", null);
        AddRatios(results);

        var missing = results.MissingKeys;
        if (missing.Count > 0 && options.Scenarios.Count == BenchOptions.AllScenarios.Count) results.Note($"keys not filled: {string.Join(", ", missing)}");

        var title = $"BankLedger bench {started:yyyy-MM-dd} · {results.Get("git_commit")} · {results.Get("store")}{(options.Quick ? " · quick" : "")}";
        var markdown = results.Markdown(title);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.JsonPath is not null)
        {
            results.WriteJson(options.JsonPath);
            Console.WriteLine($"JSON written to {Path.GetFullPath(options.JsonPath)}");
        }
        if (options.MarkdownPath is not null)
        {
            await File.WriteAllTextAsync(options.MarkdownPath, markdown);
            Console.WriteLine($"Markdown written to {Path.GetFullPath(options.MarkdownPath)}");
        }

        if (!options.Keep)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(workDirectory, recursive: true);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"bench: could not delete {workDirectory}: {e.Message}");
            }
        }
        return exitCode;
    }

    /// <summary>The comparisons the product spec makes: ledger max rate over CRUD max rate, uniform and hot.</summary>
    private static void AddRatios(Results results)
    {
        static double? Ratio(object? ledger, object? crud) =>
            ledger is int l && crud is int c ? c == 0 ? null : Math.Round((double)l / c, 2) : null;
        results.Set("ledger_vs_crud_uniform", Ratio(results.Get("write_max_rate_p99_under_15ms"), results.Get("crud_max_rate_p99_under_15ms")));
        results.Set("ledger_vs_crud_hot", Ratio(results.Get("ledger_hot_max_rate_p99_under_15ms"), results.Get("crud_hot_max_rate_p99_under_15ms")));
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version() || ', default synchronous=' || (SELECT synchronous FROM pragma_synchronous)";
        return (string)command.ExecuteScalar()!;
    }
}
