using System.Diagnostics;
using BankLedger.Bench.Infrastructure;
using BankLedger.Bench.Load;
using BankLedger.Bench.Reporting;

namespace BankLedger.Bench;

/// <summary>What every scenario of one run shares.</summary>
internal sealed class BenchContext
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public required BenchOptions Options { get; init; }
    public required Profile Profile { get; init; }
    public required Results Results { get; init; }
    public required string WorkDirectory { get; init; }
    public required NodeProgram Node { get; init; }
    public PostgresServer? Postgres { get; init; }

    /// <summary>Makes command ids unique across runs against the same database.</summary>
    public required string RunTag { get; init; }

    /// <summary>The client's <c>created_at</c> claim used in every request body.</summary>
    public required string CreatedAt { get; init; }

    public bool IsPostgres => Options.Store == StoreKind.PostgreSql;

    public string Directory(string name)
    {
        var path = Path.Combine(WorkDirectory, name);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public void Log(string message) => Console.WriteLine($"[{Stopwatch.GetElapsedTime(_started).TotalSeconds,6:F1}s] {message}");

    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>
    /// Max-rate search over <see cref="Profile.Ladder"/>: starts at 1,000/s, steps up while phases pass the
    /// criterion (<see cref="PhaseResult.Passes"/>) and stops at the first failure; if 1,000/s already fails,
    /// steps down until one passes. Returns the highest passing rate (0 if none). Assumes a system that fails
    /// at some rate fails at every higher one, so no rate is measured twice. <paramref name="known"/> is a
    /// phase already measured with the same workload, reused at its rate instead of run again.
    /// </summary>
    public async Task<int> MaxRateAsync(Func<int, Task<PhaseResult>> run, Func<Task>? settle = null, PhaseResult? known = null)
    {
        async Task<bool> Passes(int rate)
        {
            if (known is not null && known.OfferedRate == rate) return known.Passes;
            var result = await run(rate);
            Results.Add(result);
            await Task.Delay(Profile.Settle);
            if (settle is not null) await settle();
            return result.Passes;
        }

        var ladder = Profile.Ladder;
        var first = ladder.ToList().IndexOf(Profile.SearchStart);
        if (await Passes(ladder[first]))
        {
            var best = ladder[first];
            for (var i = first + 1; i < ladder.Count && await Passes(ladder[i]); i++) best = ladder[i];
            return best;
        }
        for (var i = first - 1; i >= 0; i--)
        {
            if (await Passes(ladder[i])) return ladder[i];
        }
        return 0;
    }

    /// <summary>A max-rate step (stops early on a backlog).</summary>
    public OpenLoop.Phase Step(string system, string operation, AccountMix mix, int rate) =>
        new(system, operation, mix, rate, Profile.WarmUp, Profile.Phase);

    /// <summary>A fixed-rate phase for headline keys: always runs its full length.</summary>
    public OpenLoop.Phase Fixed(string system, string operation, AccountMix mix, int rate) =>
        new(system, operation, mix, rate, Profile.WarmUp, Profile.FixedPhase, StopOnBacklog: false);
}
