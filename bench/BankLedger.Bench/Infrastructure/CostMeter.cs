using System.Diagnostics;
using System.Text.Json;

namespace BankLedger.Bench.Infrastructure;

/// <summary>Where a phase's time went: CPU of the node, of the load generator and of the machine, the node's GC and JIT.</summary>
internal sealed record PhaseCost(
    double NodeCpuMsPerOp, double NodeCores, double BenchCores, double MachineBusyPercent, double MachineStealPercent,
    double GcPauseMsPerSecond, int Collections, double AverageGcPauseMs, double AllocatedKbPerOp,
    long JitMethods, double JitMs)
{
    /// <summary>Stores the cost under <c>{prefix}_…_{suffix}</c> keys, e.g. write_node_cpu_ms_per_op_at_1000.</summary>
    public void Record(Reporting.Results results, string prefix, string suffix)
    {
        results.Set($"{prefix}_node_cpu_ms_per_op_{suffix}", Math.Round(NodeCpuMsPerOp, 3));
        results.Set($"{prefix}_node_cpu_cores_{suffix}", Math.Round(NodeCores, 2));
        results.Set($"{prefix}_bench_cpu_cores_{suffix}", Math.Round(BenchCores, 2));
        results.Set($"{prefix}_machine_busy_pct_{suffix}", Math.Round(MachineBusyPercent, 1));
        results.Set($"{prefix}_machine_steal_pct_{suffix}", Math.Round(MachineStealPercent, 1));
        results.Set($"{prefix}_gc_pause_ms_per_s_{suffix}", Math.Round(GcPauseMsPerSecond, 2));
        results.Set($"{prefix}_gc_collections_{suffix}", Collections);
        results.Set($"{prefix}_gc_avg_pause_ms_{suffix}", Math.Round(AverageGcPauseMs, 2));
        results.Set($"{prefix}_alloc_kb_per_op_{suffix}", Math.Round(AllocatedKbPerOp, 1));
        results.Set($"{prefix}_jit_methods_{suffix}", JitMethods);
        results.Set($"{prefix}_jit_ms_{suffix}", Math.Round(JitMs, 1));
    }

    public override string ToString() =>
        $"node {NodeCores:F2} cores ({NodeCpuMsPerOp:F3} ms CPU/op), load generator {BenchCores:F2} cores, machine {MachineBusyPercent:F0}% busy ({MachineStealPercent:F1}% stolen); " +
        $"GC {Collections} collections, {GcPauseMsPerSecond:F1} ms paused/s (avg {AverageGcPauseMs:F1} ms), {AllocatedKbPerOp:F1} KB allocated/op; " +
        $"JIT {JitMethods} methods, {JitMs:F0} ms";
}

/// <summary>
/// Two readings around a phase: the node's <c>/v1/admin/runtime</c> counters, this process's CPU time and the
/// machine's CPU time from /proc/stat. Cumulative counters, so the difference covers exactly the phase.
/// </summary>
internal sealed class CostMeter
{
    private readonly Reading _start;

    private CostMeter(Reading start) => _start = start;

    public static async Task<CostMeter?> StartAsync(LedgerNode node) =>
        await ReadAsync(node) is { } start ? new CostMeter(start) : null;

    public async Task<PhaseCost?> StopAsync(LedgerNode node, long operations)
    {
        if (await ReadAsync(node) is not { } end || operations <= 0) return null;
        var seconds = Stopwatch.GetElapsedTime(_start.Timestamp, end.Timestamp).TotalSeconds;
        var nodeCpu = end.NodeCpuMs - _start.NodeCpuMs;
        var collections = end.Collections - _start.Collections;
        var pause = end.GcPauseMs - _start.GcPauseMs;
        // Busy = the part of the cores' wall time that was not idle. Only idle time is measured exactly in
        // /proc/stat (the kernel timestamps idle entry and exit); user and system time are sampled on the
        // scheduler tick, which misses short bursts, so a sum of the fields read 9-11 % busy at 1,000 writes/s
        // while the node alone used 0.63 of the 2 cores.
        var machineWall = seconds * MachineInfo.Cores * ClockTicksPerSecond;
        var machineIdle = end.MachineIdleTicks - _start.MachineIdleTicks;
        // Steal: time the hypervisor ran something else while this VM had work, so a phase that stalled for
        // reasons outside the machine shows it.
        var machineSteal = end.MachineStealTicks - _start.MachineStealTicks;
        return new PhaseCost(
            nodeCpu / operations,
            nodeCpu / 1000 / seconds,
            (end.BenchCpuMs - _start.BenchCpuMs) / 1000 / seconds,
            end.MachineIdleTicks == 0 ? double.NaN : Math.Clamp(100.0 * (1 - machineIdle / machineWall), 0, 100),
            end.MachineIdleTicks == 0 ? double.NaN : 100.0 * machineSteal / machineWall,
            pause / seconds,
            collections,
            collections == 0 ? 0 : pause / collections,
            (end.AllocatedBytes - _start.AllocatedBytes) / 1024.0 / operations,
            end.JitMethods - _start.JitMethods,
            end.JitMs - _start.JitMs);
    }

    private sealed record Reading(
        long Timestamp, double NodeCpuMs, double GcPauseMs, int Collections, long AllocatedBytes,
        double BenchCpuMs, long MachineIdleTicks, long MachineStealTicks, long JitMethods, double JitMs);

    /// <summary>USER_HZ: the unit of /proc/stat, 100 on every Linux architecture .NET runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    private static async Task<Reading?> ReadAsync(LedgerNode node)
    {
        try
        {
            using var response = await node.Client.GetAsync("/v1/admin/runtime");
            if (!response.IsSuccessStatusCode) return null;
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            var root = json.RootElement;
            var gc = root.GetProperty("gc");
            // Gen-0 count includes every collection (a gen-1 or gen-2 collection counts in gen 0 too).
            var collections = gc.GetProperty("collections")[0].GetInt32();
            var (machineIdle, machineSteal) = MachineIdleAndStealTicks();
            using var self = Process.GetCurrentProcess();
            var jit = root.GetProperty("jit");
            return new Reading(
                Stopwatch.GetTimestamp(), root.GetProperty("process_cpu_ms").GetDouble(), gc.GetProperty("pause_total_ms").GetDouble(),
                collections, gc.GetProperty("allocated_bytes").GetInt64(), self.TotalProcessorTime.TotalMilliseconds, machineIdle, machineSteal,
                jit.GetProperty("compiled_methods").GetInt64(), jit.GetProperty("compilation_ms").GetDouble());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Idle (with iowait) and steal jiffies of all cores (first line of /proc/stat); zeros where there is no /proc.</summary>
    private static (long Idle, long Steal) MachineIdleAndStealTicks()
    {
        try
        {
            // user nice system idle iowait irq softirq steal …
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            return (fields[3] + fields[4], fields[7]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}
