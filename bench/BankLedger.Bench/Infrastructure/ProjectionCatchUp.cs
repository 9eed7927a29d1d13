using System.Diagnostics;

namespace BankLedger.Bench.Infrastructure;

/// <summary>How fast a node's projection worked through a journal that was full before it started.</summary>
internal sealed record CatchUp(
    double EventsPerSecond, bool Completed, long Applied, double MeasuredSeconds, long AppliedBeforeFirstAnswer,
    double FirstAnswerSeconds, long? Batches);

internal static class ProjectionCatchUp
{
    /// <summary>
    /// Polls the projection from the node's launch until it has applied <paramref name="journalRows"/> events, or
    /// until <paramref name="window"/> after its first answer; the rate covers the events applied in between.
    /// </summary>
    public static async Task<CatchUp> MeasureAsync(LedgerNode node, long journalRows, TimeSpan window)
    {
        long firstSeen = 0, firstApplied = 0, last = 0, doneAt = 0;
        while (firstSeen == 0 ? Stopwatch.GetElapsedTime(node.StartedAt) < TimeSpan.FromMinutes(2) : Stopwatch.GetElapsedTime(firstSeen) < window)
        {
            var status = await node.TryProjectionStatusAsync();
            var now = Stopwatch.GetTimestamp();
            if (status is not null)
            {
                if (firstSeen == 0)
                {
                    firstSeen = now;
                    firstApplied = status.Applied;
                }
                last = status.Applied;
                if (last >= journalRows)
                {
                    doneAt = now;
                    break;
                }
            }
            await Task.Delay(100);
        }
        if (firstSeen == 0) throw new InvalidOperationException($"the node never answered /v1/admin/projection:\n{node.Tail}");
        var end = doneAt != 0 ? doneAt : Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(firstSeen, end).TotalSeconds;
        var batches = (await node.TryProjectionStatusAsync())?.Batches;
        return new CatchUp(
            (last - firstApplied) / Math.Max(seconds, 0.001), doneAt != 0, last, seconds, firstApplied,
            Stopwatch.GetElapsedTime(node.StartedAt, firstSeen).TotalSeconds, batches);
    }
}
