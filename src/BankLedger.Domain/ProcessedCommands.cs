using System.Collections.Immutable;

namespace BankLedger.Domain;

/// <summary>What the ledger answered for one accepted command; replayed verbatim for a repeated command id.</summary>
public sealed record ProcessedCommand(
    CommandId CommandId,
    string Fingerprint,
    long Sequence,
    string EventType,
    long BalanceAfterCents,
    DateTimeOffset OccurredAt);

/// <summary>
/// The idempotency window of one account: accepted command ids, oldest first.
/// Memory is bounded: an entry is kept while it is among the newest <see cref="MinRetained"/> entries
/// OR younger than <see cref="RetainFor"/>, but never beyond <see cref="HardCap"/> entries
/// (~100 bytes each, so at most ~1 MB per live account and in its snapshot). The cap only bites for an
/// account taking more than 10,000 commands in 24 hours; such clients must retry within that window.
/// Age is measured against the newest event's server time, never the wall clock, so replay is deterministic.
/// </summary>
public sealed record ProcessedCommands
{
    public const int MinRetained = 1_000;
    public const int HardCap = 10_000;
    public static readonly TimeSpan RetainFor = TimeSpan.FromHours(24);

    public static readonly ProcessedCommands Empty = new(ImmutableDictionary<string, ProcessedCommand>.Empty, ImmutableQueue<ProcessedCommand>.Empty);

    private readonly ImmutableDictionary<string, ProcessedCommand> _byId;
    private readonly ImmutableQueue<ProcessedCommand> _oldestFirst;

    private ProcessedCommands(ImmutableDictionary<string, ProcessedCommand> byId, ImmutableQueue<ProcessedCommand> oldestFirst)
    {
        _byId = byId;
        _oldestFirst = oldestFirst;
    }

    public int Count => _byId.Count;

    /// <summary>All retained entries, oldest first (for snapshots).</summary>
    public IEnumerable<ProcessedCommand> OldestFirst => _oldestFirst;

    public ProcessedCommand? Find(CommandId id) => _byId.GetValueOrDefault(id.Value);

    public ProcessedCommands Add(ProcessedCommand entry) =>
        new ProcessedCommands(_byId.SetItem(entry.CommandId.Value, entry), _oldestFirst.Enqueue(entry)).Trim(entry.OccurredAt);

    /// <summary>
    /// Rebuilds a window from a snapshot in one pass (an account recovers with up to <see cref="HardCap"/> entries,
    /// so entry-by-entry <see cref="Add"/> would dominate its recovery time), then applies the retention rule
    /// against the newest entry, exactly as the last <see cref="Add"/> did when the snapshot was taken.
    /// </summary>
    public static ProcessedCommands FromOldestFirst(IEnumerable<ProcessedCommand> entries)
    {
        var list = entries as IReadOnlyList<ProcessedCommand> ?? entries.ToList();
        if (list.Count == 0) return Empty;
        var byId = ImmutableDictionary.CreateBuilder<string, ProcessedCommand>();
        foreach (var entry in list) byId[entry.CommandId.Value] = entry;
        return new ProcessedCommands(byId.ToImmutable(), ImmutableQueue.CreateRange(list)).Trim(list[^1].OccurredAt);
    }

    private ProcessedCommands Trim(DateTimeOffset newest)
    {
        var byId = _byId;
        var queue = _oldestFirst;
        var horizon = newest - RetainFor;
        while (byId.Count > MinRetained)
        {
            var oldest = queue.Peek();
            if (oldest.OccurredAt >= horizon && byId.Count <= HardCap) break;
            queue = queue.Dequeue();
            byId = byId.Remove(oldest.CommandId.Value);
        }
        return ReferenceEquals(byId, _byId) ? this : new ProcessedCommands(byId, queue);
    }
}
