namespace BankLedger.Bench.Load;

/// <summary>Outcome of one fixed-rate phase (the recorded part only, warm-up excluded).</summary>
internal sealed record PhaseResult
{
    /// <summary>P99 ceiling of the max-rate search, in milliseconds.</summary>
    public const double P99LimitMs = 15;

    public required string System { get; init; }      // ledger | crud
    public required string Operation { get; init; }   // write | read
    public required string Mix { get; init; }         // uniform | hot
    public required int OfferedRate { get; init; }
    public required double DurationS { get; init; }
    public required long Sent { get; init; }
    public required long Ok { get; init; }
    public required IReadOnlyDictionary<string, long> Errors { get; init; }
    public required double AchievedRate { get; init; }
    public required double P50Ms { get; init; }
    public required double P99Ms { get; init; }
    public required double P999Ms { get; init; }
    public required double MaxMs { get; init; }
    /// <summary>Most requests in flight at once (client side).</summary>
    public required long MaxInFlight { get; init; }
    /// <summary>How late the generator itself sent, P99 (ms): a check that the load generator kept up.</summary>
    public required double SendLagP99Ms { get; init; }

    /// <summary>The generator stopped early: the backlog exceeded a second of requests (a certain failure).</summary>
    public bool Aborted { get; init; }

    public long ErrorCount => Errors.Values.Sum();

    public double ErrorRatio => Sent == 0 ? 1 : (double)ErrorCount / Sent;

    /// <summary>The max-rate criterion: P99 ≤ 15 ms, at least 95% of the offered rate achieved, under 0.1% errors.</summary>
    public bool Passes => !Aborted && P99Ms <= P99LimitMs && AchievedRate >= 0.95 * OfferedRate && ErrorRatio < 0.001;

    public string Label => $"{System} {Operation} {Mix} @ {OfferedRate}/s";
}
