namespace BankLedger.Node.Hosting;

/// <summary>
/// Collects generation 0 whenever the process has allocated its budget of bytes since the last collection of any
/// kind (<see cref="Gen0Budget"/>): a gen-0 budget the node chooses, because the runtime's own is ~200 MB per
/// heap and its setting for a smaller one (<c>GCgen0MaxBudget</c>) is not honoured on .NET 10 (measured: 3 GCs
/// per 15 s with and without it, regions and segments alike).
/// </summary>
/// <remarks>
/// A gen-0 pause is proportional to what happened since the previous one: the objects still alive (every account
/// touched leaves its new state), the old objects written to (card marking), the finalizable objects created
/// (Microsoft.Data.Sqlite leaves one per journal transaction). At 1,000 deposits/s the runtime collected every
/// ~5–14 s and each pause stopped every request for 45–70 ms, which set the write P99. Measured at 1,000
/// deposits/s, 15 s: every 4 MiB, 150 pauses of 1.9–2.6 ms; every 2 MiB, 265–300 of 1.3–1.9 ms (write P99 on
/// PostgreSQL 5.2 / 5.8 ms against 6.2 / 7.2 with 4 MiB); every 1 MiB, 500 of 1.3 ms, no shorter — what is left
/// is the fixed cost of stopping the process. More GC time in total (~25 ms/s against 4–9), but no pause long
/// enough to matter: write P99.9 ~9 ms instead of 58, and 2,000 deposits/s hold P99 ≤ 15 ms. An idle
/// node allocates almost nothing, so it is almost never collected.
/// </remarks>
internal sealed class GcPacer(long gen0Budget, ILogger<GcPacer> logger) : BackgroundService
{
    /// <summary>How often allocation is checked: well below the interval between collections at load.</summary>
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(10);

    private long _inducedCollections;
    private long _checks;

    /// <summary>Collections this pacer asked for (the runtime's own are not counted).</summary>
    public long InducedCollections => Interlocked.Read(ref _inducedCollections);

    /// <summary>How many times it has compared allocation with its budget.</summary>
    public long Checks => Interlocked.Read(ref _checks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Collecting generation 0 every {Budget} allocated bytes", gen0Budget);
        var budget = new Gen0Budget(gen0Budget, GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var spent = budget.IsSpent(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
                Interlocked.Increment(ref _checks);
                if (!spent) continue;
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Interlocked.Increment(ref _inducedCollections);
                budget.Renew(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Node stopping.
        }
    }
}

/// <summary>
/// The bytes allowed between two gen-0 collections. Any collection (the runtime's or ours) starts a new budget:
/// what it measures is allocation since the last pause.
/// </summary>
internal sealed class Gen0Budget(long budgetBytes, long allocatedBytes, int gen0Collections)
{
    private long _allocatedAtStart = allocatedBytes;
    private int _collectionsSeen = gen0Collections;

    /// <summary>True when at least the budget was allocated since the last collection seen.</summary>
    public bool IsSpent(long allocatedBytes, int gen0Collections)
    {
        if (gen0Collections != _collectionsSeen)
        {
            Renew(allocatedBytes, gen0Collections);
            return false;
        }
        return allocatedBytes - _allocatedAtStart >= budgetBytes;
    }

    /// <summary>Starts a new budget after a collection.</summary>
    public void Renew(long allocatedBytes, int gen0Collections)
    {
        _allocatedAtStart = allocatedBytes;
        _collectionsSeen = gen0Collections;
    }
}
