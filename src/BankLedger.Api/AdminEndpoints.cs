using BankLedger.Projections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BankLedger.Api;

/// <summary>Operator endpoints of a node running the projection: progress counters and lag percentiles.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapProjectionAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/admin/projection", (ProjectionStats stats) =>
        {
            var lag = stats.Lag.Summarize();
            return Results.Json(new
            {
                applied = stats.Applied,
                duplicates_skipped = stats.DuplicatesSkipped,
                repaired = stats.Repaired,
                batches = stats.Batches,
                lag = new { samples = lag.Count, p50_ms = lag.P50Ms, p99_ms = lag.P99Ms, p999_ms = lag.P999Ms, max_ms = lag.MaxMs },
            }, ApiJson.Options);
        });
        // Lets a benchmark (or an operator after an incident) start a fresh lag window.
        endpoints.MapPost("/v1/admin/projection/lag/reset", (ProjectionStats stats) =>
        {
            stats.Lag.Reset();
            return Results.NoContent();
        });
        return endpoints;
    }
}
