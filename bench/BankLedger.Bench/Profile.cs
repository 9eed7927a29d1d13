namespace BankLedger.Bench;

/// <summary>How long and how hard each scenario runs: the full profile, or <c>--quick</c>.</summary>
internal sealed record Profile(bool Quick)
{
    /// <summary>
    /// Accounts the uniform mix spreads over: 10,000 as the issue fixes. Quick: 2,000, because opening the ledger's
    /// accounts over HTTP (set-up: every account's actor recovers and writes its first event) takes 12–16 s for
    /// 10,000 on this machine, a quarter of the quick budget on its own. Quick numbers are a smoke check; the
    /// full run is the reference.
    /// </summary>
    public int Accounts => Quick ? 2_000 : 10_000;

    /// <summary>Accounts that take half the traffic in the hot mix.</summary>
    public int HotAccounts => 10;

    /// <summary>Unrecorded lead-in at the phase's rate (connections, JIT, caches, group-commit steady state).</summary>
    public TimeSpan WarmUp => Quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(2);

    /// <summary>Recorded part of a max-rate step.</summary>
    public TimeSpan Phase => Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);

    /// <summary>Recorded part of the fixed-rate phases (write at 1,000/s with lag, read at 5,000/s).</summary>
    public TimeSpan FixedPhase => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(15);

    /// <summary>Offered rates of the max-rate search, ascending (see <see cref="BenchContext.MaxRateAsync"/>).</summary>
    public IReadOnlyList<int> Ladder => Quick
        ? [100, 300, 1000, 3000, 5000, 8000]
        : [100, 250, 500, 1000, 2000, 3000, 4000, 5000, 7000, 10000];

    /// <summary>Where the max-rate search starts (must be on the ladder).</summary>
    public int SearchStart => 1000;

    /// <summary>Pause between phases so queues from the previous one drain.</summary>
    public TimeSpan Settle => Quick ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(2);

    /// <summary>Accounts seeded for the rebuild; each gets <see cref="RebuildEventsPerAccount"/> events.</summary>
    public int RebuildAccounts => Quick ? 500 : 10_000;

    public int RebuildEventsPerAccount => 100;

    /// <summary>Longest the rebuild is watched (from the node's first admin answer) before its rate is taken as is.</summary>
    public TimeSpan RebuildWindow => Quick ? TimeSpan.FromSeconds(20) : TimeSpan.FromSeconds(180);

    /// <summary>
    /// Cold starts in <c>recovery</c>, each a new node process recovering the account once. One cold command is a
    /// sample of one: in the same build it measured 11.6–24.4 ms, a spread larger than any change we tried.
    /// </summary>
    public int RecoveryColdStarts => Quick ? 3 : 5;

    public TimeSpan RawDuration => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(8);

    /// <summary>Unrecorded deposits at 500/s before the ledger's first recorded phase (tier-0 JIT code, caches).</summary>
    public TimeSpan LedgerWarmUp => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(15);
}
