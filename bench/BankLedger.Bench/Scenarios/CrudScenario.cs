using BankLedger.Bench.Crud;
using BankLedger.Bench.Infrastructure;
using BankLedger.Bench.Load;

namespace BankLedger.Bench.Scenarios;

/// <summary>
/// The same open-loop deposit workload, uniform and hot, against the conventional balance-row service
/// (<see cref="CrudServer"/>) on the same database kind: the baseline the ledger's max rates are compared to.
/// </summary>
internal static class CrudScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        string store, database;
        if (context.IsPostgres)
        {
            store = "postgresql";
            database = await context.Postgres!.CreateDatabaseAsync("crud");
        }
        else
        {
            store = "sqlite";
            database = Path.Combine(context.Directory("crud"), "crud.db");
        }

        var benchDll = typeof(CrudServer).Assembly.Location;
        // The ledger node's runtime settings: server GC without DATAS (see its project file), and the runtime's
        // default thread-pool spinning, which this executable's own configuration (the load generator's) turns off.
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = "1",
            ["DOTNET_GCDynamicAdaptationMode"] = "0",
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "70",
        };
        await using var service = ChildProcess.Start("crud service", benchDll,
            ["--store", store, "--db", database, "--accounts", profile.Accounts.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            environment, CrudServer.Mode);
        var ready = await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        context.Log($"crud: service ready after {ready:F1} s ({profile.Accounts:N0} balance rows, {store})");

        using var client = Requests.CreateClient();
        var deposits = new Requests.Deposits(service.BaseAddress, context.RunTag + "c", profile.Accounts, context.CreatedAt);

        var uniform = AccountMix.Uniform(profile.Accounts);
        var crudMax = await context.MaxRateAsync(async rate =>
        {
            var cpu = new CpuWindow(service);
            var result = await OpenLoop.RunAsync(client, context.Step("crud", "write", uniform, rate), deposits.Create, cpu.MarkStart);
            if (rate == 1000 && cpu.MillisecondsPerOp(result) is { } perOp)
            {
                context.Results.Set("crud_cpu_ms_per_op_at_1000", Math.Round(perOp, 3));
                context.Log($"crud: {perOp:F3} ms CPU per request at 1000/s");
            }
            return result;
        });
        context.Results.Set("crud_max_rate_p99_under_15ms", crudMax);
        context.Log($"crud: uniform max rate {crudMax}/s");

        var hot = AccountMix.Hot(profile.Accounts, profile.HotAccounts);
        var crudHotMax = await context.MaxRateAsync(rate => OpenLoop.RunAsync(client, context.Step("crud", "write", hot, rate), deposits.Create));
        context.Results.Set("crud_hot_max_rate_p99_under_15ms", crudHotMax);
        context.Log($"crud: hot max rate {crudHotMax}/s");
    }

    /// <summary>
    /// CPU the service spent per successful request in a phase's recorded part: the same figure as the ledger's
    /// <c>write_node_cpu_ms_per_op_at_1000</c>, so max rates can be compared with what a request costs on the shared cores.
    /// </summary>
    private sealed class CpuWindow(ChildProcess service)
    {
        private TimeSpan? _start;

        public void MarkStart() => _start = service.ProcessorTime;

        public double? MillisecondsPerOp(PhaseResult result) =>
            _start is { } start && result.Ok > 0 ? (service.ProcessorTime - start).TotalMilliseconds / result.Ok : null;
    }
}
