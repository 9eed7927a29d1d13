using System.Diagnostics;
using System.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BankLedger.Api;

/// <summary>
/// <c>GET /v1/admin/runtime</c>: the process's cumulative CPU time, garbage-collector, JIT and thread-pool counters.
/// Cumulative on purpose: a caller (operator, the benchmark) takes two readings and divides the difference by
/// the work done in between, e.g. CPU milliseconds per command or GC pause milliseconds per second — the numbers
/// that explain a latency tail on a small machine.
/// </summary>
public static class RuntimeEndpoints
{
    public static IEndpointRouteBuilder MapRuntimeAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/admin/runtime", () =>
        {
            using var process = Process.GetCurrentProcess();
            var lastGc = GC.GetGCMemoryInfo(GCKind.Any);
            return Results.Json(new
            {
                process_cpu_ms = process.TotalProcessorTime.TotalMilliseconds,
                uptime_ms = (DateTime.Now - process.StartTime).TotalMilliseconds,
                gc = new
                {
                    server = GCSettings.IsServerGC,
                    latency_mode = GCSettings.LatencyMode.ToString(),
                    collections = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) },
                    pause_total_ms = GC.GetTotalPauseDuration().TotalMilliseconds,
                    last_pause_ms = lastGc.PauseDurations.ToArray().Sum(p => p.TotalMilliseconds),
                    allocated_bytes = GC.GetTotalAllocatedBytes(precise: false),
                    heap_bytes = GC.GetTotalMemory(forceFullCollection: false),
                },
                // Tiered compilation keeps recompiling hot methods (tier 0 → instrumented → optimized) in the
                // background; on two cores that thread competes with requests, so a phase's JIT time is worth seeing.
                jit = new
                {
                    compiled_methods = JitInfo.GetCompiledMethodCount(),
                    compilation_ms = JitInfo.GetCompilationTime().TotalMilliseconds,
                },
                thread_pool = new
                {
                    threads = ThreadPool.ThreadCount,
                    pending_work_items = ThreadPool.PendingWorkItemCount,
                    completed_work_items = ThreadPool.CompletedWorkItemCount,
                },
            }, ApiJson.Options);
        });
        return endpoints;
    }
}
