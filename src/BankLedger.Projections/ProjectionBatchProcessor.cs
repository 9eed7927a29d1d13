using BankLedger.Domain;

namespace BankLedger.Projections;

/// <summary>Counters a projection keeps about its own work (exposed for operators and tests).</summary>
public sealed class ProjectionStats
{
    private long _applied;
    private long _duplicates;
    private long _repaired;
    private long _batches;

    public long Applied => Interlocked.Read(ref _applied);
    public long DuplicatesSkipped => Interlocked.Read(ref _duplicates);
    public long Repaired => Interlocked.Read(ref _repaired);
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Commit-to-visible lag of events that arrived through the live journal stream (repaired ones excluded).</summary>
    public LagRecorder Lag { get; } = new();

    internal void Record(int applied, int duplicates, int repaired)
    {
        Interlocked.Add(ref _applied, applied);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Add(ref _repaired, repaired);
        Interlocked.Increment(ref _batches);
    }
}

/// <summary>
/// Turns one batch read from the journal stream into one atomic read-store write: drops duplicates, repairs gaps
/// from the journal, then applies the events together with the batch's last offset as the checkpoint of every
/// partition this processor projects (the stream carried all of their events up to that offset).
/// </summary>
public sealed class ProjectionBatchProcessor
{
    private readonly IReadStore _store;
    private readonly IJournalRangeReader _journal;
    private readonly ReadModelChanges _changes;
    private readonly ProjectionStats _stats;
    private readonly TimeProvider _clock;
    private readonly LastAppliedCache _lastApplied;

    public ProjectionBatchProcessor(
        IReadOnlyList<string> projectionIds,
        IReadStore store,
        IJournalRangeReader journal,
        ReadModelChanges changes,
        ProjectionStats stats,
        TimeProvider clock,
        LastAppliedCache? lastApplied = null)
    {
        if (projectionIds.Count == 0) throw new ArgumentException("A projection needs at least one partition.", nameof(projectionIds));
        ProjectionIds = projectionIds;
        _store = store;
        _journal = journal;
        _changes = changes;
        _stats = stats;
        _clock = clock;
        _lastApplied = lastApplied ?? new LastAppliedCache();
    }

    /// <summary>The partitions (tags) whose checkpoints this processor advances.</summary>
    public IReadOnlyList<string> ProjectionIds { get; }

    /// <summary>
    /// Called whenever the stream (re)starts. A restart follows a failure, after which the store may not hold what
    /// the cache remembers (see <see cref="LastAppliedCache"/>), so the cache starts afresh.
    /// </summary>
    public void ForgetLastApplied() => _lastApplied.Clear();

    public async Task ProcessAsync(IReadOnlyList<TaggedEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        var lastApplied = await LoadLastAppliedAsync(batch, cancellationToken).ConfigureAwait(false);
        var plan = SequenceGuard.Check(batch, lastApplied);

        var repaired = new List<SequencedEvent>();
        foreach (var gap in plan.Gaps)
        {
            var range = await _journal.ReadAsync(gap.Account, gap.FromSequence, gap.ToSequence, cancellationToken).ConfigureAwait(false);
            var expected = gap.ToSequence - gap.FromSequence + 1;
            if (range.Count != expected)
                throw new InvalidOperationException(
                    $"Repair of {gap.Account} {gap.FromSequence}..{gap.ToSequence} read {range.Count} of {expected} events from the journal.");
            repaired.AddRange(range);
        }

        var events = SequenceGuard.Merge(plan.InOrder, repaired);
        var checkpoint = LastOffset(batch);
        var checkpoints = ProjectionIds.Select(id => new ProjectionCheckpoint(id, checkpoint)).ToList();
        await _store.ApplyAsync(new ReadModelBatch(checkpoints, events), cancellationToken).ConfigureAwait(false);
        // Only after the store confirmed the write: remembered before, a failed write's events would look like
        // duplicates when the batch is retried, and be skipped.
        foreach (var applied in events)
            _lastApplied.Set(applied.Event.AccountId, applied.Sequence);

        var visibleAt = _clock.GetUtcNow().UtcTicks;
        foreach (var applied in plan.InOrder)
        {
            if (applied.WrittenAtTicks > 0) _stats.Lag.Record(TimeSpan.FromTicks(visibleAt - applied.WrittenAtTicks));
        }
        _stats.Record(events.Count, plan.Duplicates, repaired.Count);
        _changes.Notify();
    }

    /// <summary>The last applied sequence of every account in the batch: from the cache, else from the store (0: no view yet).</summary>
    private async Task<Dictionary<AccountId, long>> LoadLastAppliedAsync(IReadOnlyList<TaggedEvent> batch, CancellationToken cancellationToken)
    {
        var lastApplied = new Dictionary<AccountId, long>();
        HashSet<AccountId>? unknown = null;
        foreach (var item in batch)
        {
            var account = item.Event.AccountId;
            if (lastApplied.ContainsKey(account)) continue;
            if (_lastApplied.TryGet(account, out var last)) lastApplied[account] = last;
            else (unknown ??= []).Add(account);
        }

        if (unknown is null) return lastApplied;
        var stored = await _store.LoadLastSequencesAsync(unknown, cancellationToken).ConfigureAwait(false);
        foreach (var account in unknown)
        {
            var last = stored.GetValueOrDefault(account);
            lastApplied[account] = last;
            _lastApplied.Set(account, last);
        }
        return lastApplied;
    }

    private static long LastOffset(IReadOnlyList<TaggedEvent> batch)
    {
        var last = long.MinValue;
        foreach (var item in batch)
            last = Math.Max(last, item.Offset);
        return last;
    }
}
