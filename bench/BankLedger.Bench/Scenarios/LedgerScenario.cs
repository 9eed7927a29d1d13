using BankLedger.Bench.Infrastructure;
using BankLedger.Bench.Load;

namespace BankLedger.Bench.Scenarios;

/// <summary>
/// <c>write</c>, <c>read</c> and <c>hot</c> against the ledger node: the profile's accounts (10,000; quick 2,000) opened over HTTP (so their
/// actors are live, as in steady state), then open-loop phases:
/// deposits at 1,000/s with the projection lag window reset at the start of recording and read after the
/// projection went idle; balance reads at 5,000/s; the uniform max-rate search; the hot-mix max-rate search.
/// </summary>
internal static class LedgerScenario
{
    public static async Task RunAsync(BenchContext context, LedgerNode? existing)
    {
        var profile = context.Profile;
        var options = context.Options;
        var results = context.Results;
        var node = existing;
        if (node is null)
        {
            var postgres = context.IsPostgres ? await context.Postgres!.CreateDatabaseAsync("ledger") : null;
            context.Log("ledger: starting a node on an empty journal");
            (node, var ready) = await LedgerNode.StartAsync(context.Node, context.Directory("ledger"), postgres);
            results.Set("node_start_s", Math.Round(ready, 2));
            results.Set("ledger_journal_rows_before_write", 0L);
        }
        results.Set("ledger_node_reused_from_rebuild", existing is not null);

        try
        {
            var before = (await node.ProjectionStatusAsync()).Applied;
            var openStart = System.Diagnostics.Stopwatch.GetTimestamp();
            var opened = await node.OpenAccountsAsync(profile.Accounts, context.RunTag, context.CreatedAt);
            var openSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(openStart).TotalSeconds;
            context.Log($"ledger: opened {opened:N0} accounts in {openSeconds:F1} s (closed loop, 128 concurrent; set-up)");
            results.Set("setup_open_accounts_s", Math.Round(openSeconds, 1));
            if (!await node.WaitForAppliedAsync(before + opened, TimeSpan.FromSeconds(60)))
                results.Note("the projection had not applied every account opening 60 s after set-up");

            using var client = Requests.CreateClient();
            var deposits = new Requests.Deposits(node.BaseAddress, context.RunTag, profile.Accounts, context.CreatedAt);
            var uniform = AccountMix.Uniform(profile.Accounts);
            var settleTimeout = profile.Quick ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(60);
            Task Settle() => node.WaitForProjectionIdleAsync(settleTimeout);

            // One max-rate step with its cost recorded: whether a failed rate ran out of CPU or waited on something.
            async Task<PhaseResult> CostedStepAsync(AccountMix mix, int rate, string costPrefix)
            {
                Task<CostMeter?>? meter = null;
                var step = await OpenLoop.RunAsync(client, context.Step("ledger", "write", mix, rate), deposits.Create,
                    onRecordingStarts: () => meter = CostMeter.StartAsync(node));
                await RecordCostAsync(context, node, meter, step, costPrefix, $"at_{rate}");
                return step;
            }

            // A fresh process runs tier-0 JIT code for its first seconds under load; steady state is what we measure.
            // Unrecorded deposits at a moderate rate warm the write and projection paths (not part of any key).
            var warmUp = new OpenLoop.Phase("ledger", "write-warm-up", uniform, 500, TimeSpan.Zero, profile.LedgerWarmUp);
            await OpenLoop.RunAsync(client, warmUp, deposits.Create);
            await Settle();

            PhaseResult? at1000 = null;
            if (options.Runs("write"))
            {
                Task? reset = null;
                Task<CostMeter?>? meter = null;
                at1000 = await OpenLoop.RunAsync(client, context.Fixed("ledger", "write", uniform, 1000), deposits.Create,
                    onRecordingStarts: () => (reset, meter) = (node.ResetLagAsync(), CostMeter.StartAsync(node)));
                results.Add(at1000);
                await RecordCostAsync(context, node, meter, at1000, "write", "at_1000");
                if (reset is not null) await reset;
                await node.WaitForProjectionIdleAsync(settleTimeout);
                var lag = await node.ProjectionStatusAsync();
                results.Set("write_p50_ms_at_1000", at1000.P50Ms);
                results.Set("write_p99_ms_at_1000", at1000.P99Ms);
                results.Set("write_p999_ms_at_1000", at1000.P999Ms);
                results.Set("write_max_ms_at_1000", at1000.MaxMs);
                results.Set("write_achieved_per_s_at_1000", Math.Round(at1000.AchievedRate, 1));
                results.Set("lag_p50_ms_at_1000", lag.LagP50Ms);
                results.Set("lag_p99_ms_at_1000", lag.LagP99Ms);
                results.Set("lag_p999_ms_at_1000", lag.LagP999Ms);
                results.Set("lag_max_ms_at_1000", lag.LagMaxMs);
                results.Set("lag_samples_at_1000", lag.LagSamples);
                context.Log($"ledger: lag at 1,000/s P50 {lag.LagP50Ms:F1} ms, P99 {lag.LagP99Ms:F1} ms over {lag.LagSamples:N0} events");
                await Task.Delay(profile.Settle);
            }

            if (options.Runs("read"))
            {
                var balances = new Requests.Balances(node.BaseAddress, profile.Accounts);
                Task<CostMeter?>? meter = null;
                var read = await OpenLoop.RunAsync(client, context.Fixed("ledger", "read", uniform, 5000), balances.Create,
                    onRecordingStarts: () => meter = CostMeter.StartAsync(node));
                results.Add(read);
                await RecordCostAsync(context, node, meter, read, "read", "at_5000");
                results.Set("read_p50_ms_at_5000", read.P50Ms);
                results.Set("read_p99_ms_at_5000", read.P99Ms);
                results.Set("read_p999_ms_at_5000", read.P999Ms);
                results.Set("read_achieved_per_s_at_5000", Math.Round(read.AchievedRate, 1));
                await Task.Delay(profile.Settle);

                // The same reads on a query-only node over the same read store (SQLite allows readers in other
                // processes), as the production topology serves them: no actor system, no journal on that node.
                var (queryNode, _) = await LedgerNode.StartAsync(context.Node, node.DataDirectory, null, roles: "query");
                await using (queryNode)
                {
                    var queryBalances = new Requests.Balances(queryNode.BaseAddress, profile.Accounts);
                    var queryRead = await OpenLoop.RunAsync(client, context.Fixed("query-node", "read", uniform, 5000), queryBalances.Create);
                    results.Add(queryRead);
                    results.Set("query_node_read_p50_ms_at_5000", queryRead.P50Ms);
                    results.Set("query_node_read_p99_ms_at_5000", queryRead.P99Ms);
                }
                await Task.Delay(profile.Settle);
            }

            if (options.Runs("write"))
            {
                var max = await context.MaxRateAsync(rate => CostedStepAsync(uniform, rate, "write_step"), Settle, at1000);
                results.Set("write_max_rate_p99_under_15ms", max);
                context.Log($"ledger: uniform max rate {max}/s");
                await Settle();
            }

            if (options.Runs("hot"))
            {
                var hot = AccountMix.Hot(profile.Accounts, profile.HotAccounts);
                var max = await context.MaxRateAsync(rate => CostedStepAsync(hot, rate, "hot_step"), Settle);
                results.Set("ledger_hot_max_rate_p99_under_15ms", max);
                context.Log($"ledger: hot max rate {max}/s");
            }
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Where the phase's time went (see <see cref="PhaseCost"/>): the evidence behind a latency tail.</summary>
    private static async Task RecordCostAsync(BenchContext context, LedgerNode node, Task<CostMeter?>? started, PhaseResult phase, string prefix, string suffix)
    {
        if (started is null || await started is not { } meter || await meter.StopAsync(node, phase.Ok) is not { } cost)
        {
            context.Results.Note($"{prefix} {suffix}: the node's /v1/admin/runtime counters could not be read; no cost figures");
            return;
        }
        cost.Record(context.Results, prefix, suffix);
        context.Log($"ledger: {prefix} {suffix.Replace('_', ' ')}: {cost}");
    }
}
