using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace BankLedger.Domain;

/// <summary>What the ledger answered for one accepted command; replayed verbatim for a repeated command id.</summary>
public sealed record ProcessedCommand(
    CommandId CommandId,
    CommandFingerprint Fingerprint,
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
/// <remarks>
/// Two parts, because of recovery: an account recovers with up to <see cref="HardCap"/> entries from its
/// snapshot, and building an immutable dictionary of 10,000 entries took 5–9 ms of a 20 ms recovery budget.
/// So the entries a window is restored with (<see cref="FromOldestFirst"/>) go into a plain array and
/// dictionary, built once and never mutated afterwards, which makes them safe to share between every later
/// window (the actor derives several states from one parent). Everything that happens afterwards — entries
/// added, restored entries evicted — lives in the small immutable parts. A window built by <see cref="Add"/>
/// alone has an empty restored part and is exactly the immutable dictionary plus queue it always was.
/// </remarks>
public sealed record ProcessedCommands
{
    public const int MinRetained = 1_000;
    public const int HardCap = 10_000;
    public static readonly TimeSpan RetainFor = TimeSpan.FromHours(24);

    public static readonly ProcessedCommands Empty = new(
        RestoredEntries.None, 0, ImmutableQueue<ProcessedCommand>.Empty, ImmutableDictionary<string, ProcessedCommand?>.Empty, 0);

    /// <summary>The entries the window was restored with, oldest first; shared, never mutated.</summary>
    private readonly RestoredEntries _restored;

    /// <summary>How many of <see cref="_restored"/>'s entries have been evicted (always from the front).</summary>
    private readonly int _evictedRestored;

    /// <summary>Entries added since the window was restored (or since <see cref="Empty"/>), oldest first.</summary>
    private readonly ImmutableQueue<ProcessedCommand> _added;

    /// <summary>
    /// Per command id, the answer that takes precedence over <see cref="_restored"/>: the entry added later,
    /// or null when the id has been forgotten although a restored entry for it is still in the window.
    /// </summary>
    private readonly ImmutableDictionary<string, ProcessedCommand?> _overrides;

    private readonly int _count;

    private ProcessedCommands(
        RestoredEntries restored, int evictedRestored, ImmutableQueue<ProcessedCommand> added,
        ImmutableDictionary<string, ProcessedCommand?> overrides, int count)
    {
        _restored = restored;
        _evictedRestored = evictedRestored;
        _added = added;
        _overrides = overrides;
        _count = count;
    }

    /// <summary>How many command ids <see cref="Find"/> knows.</summary>
    public int Count => _count;

    /// <summary>All retained entries, oldest first (for snapshots).</summary>
    public IEnumerable<ProcessedCommand> OldestFirst => _restored.Entries.Skip(_evictedRestored).Concat(_added);

    public ProcessedCommand? Find(CommandId id)
    {
        if (_overrides.TryGetValue(id.Value, out var overriding)) return overriding;
        return _restored.LastIndexById.TryGetValue(id.Value, out var index) && index >= _evictedRestored
            ? _restored.Entries[index]
            : null;
    }

    public ProcessedCommands Add(ProcessedCommand entry)
    {
        var count = Find(entry.CommandId) is null ? _count + 1 : _count;
        return new ProcessedCommands(_restored, _evictedRestored, _added.Enqueue(entry), _overrides.SetItem(entry.CommandId.Value, entry), count)
            .Trim(entry.OccurredAt);
    }

    /// <summary>
    /// Rebuilds a window from a snapshot in one pass (an account recovers with up to <see cref="HardCap"/> entries,
    /// so entry-by-entry <see cref="Add"/> would dominate its recovery time), then applies the retention rule
    /// against the newest entry, exactly as the last <see cref="Add"/> did when the snapshot was taken.
    /// </summary>
    public static ProcessedCommands FromOldestFirst(IEnumerable<ProcessedCommand> entries)
    {
        var restored = new RestoredEntries([.. entries]);
        if (restored.Entries.Length == 0) return Empty;
        return new ProcessedCommands(restored, 0, ImmutableQueue<ProcessedCommand>.Empty, ImmutableDictionary<string, ProcessedCommand?>.Empty,
                restored.LastIndexById.Count)
            .Trim(restored.Entries[^1].OccurredAt);
    }

    private ProcessedCommands Trim(DateTimeOffset newest)
    {
        var window = this;
        // In UTC ticks rather than newest - RetainFor, which throws for a time within a day of year 1 (a value no
        // clock produces, but a damaged snapshot can spell one; it must read, or fail as a serialization error).
        var horizonUtcTicks = newest.UtcTicks - RetainFor.Ticks;
        while (window._count > MinRetained)
        {
            if (window.Oldest.OccurredAt.UtcTicks >= horizonUtcTicks && window._count <= HardCap) break;
            window = window.EvictOldest();
        }
        return window;
    }

    private bool HasRestoredLeft => _evictedRestored < _restored.Entries.Length;

    private ProcessedCommand Oldest => HasRestoredLeft ? _restored.Entries[_evictedRestored] : _added.Peek();

    /// <summary>
    /// Drops the oldest entry and forgets its command id (whichever entry the id maps to, as the single
    /// dictionary always did; ids are unique in practice, so the two are the same entry).
    /// </summary>
    private ProcessedCommands EvictOldest()
    {
        var oldest = Oldest;
        var id = oldest.CommandId.Value;
        var count = Find(oldest.CommandId) is null ? _count : _count - 1;
        if (!HasRestoredLeft)
            return new ProcessedCommands(_restored, _evictedRestored, _added.Dequeue(), _overrides.Remove(id), count);

        var evicted = _evictedRestored + 1;
        // Past the evicted entry the restored part answers for the id only if it holds a later entry with it.
        var overrides = _restored.LastIndexById[id] < evicted ? _overrides.Remove(id) : _overrides.SetItem(id, null);
        // Once every restored entry is gone, let go of the restored arrays.
        return evicted == _restored.Entries.Length
            ? new ProcessedCommands(RestoredEntries.None, 0, _added, overrides, count)
            : new ProcessedCommands(_restored, evicted, _added, overrides, count);
    }

    /// <summary>Entries oldest first, and for each command id the index of its newest entry (a later duplicate wins, as with <see cref="Add"/>).</summary>
    private sealed class RestoredEntries
    {
        public static readonly RestoredEntries None = new([]);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs in recovery; see SnapshotV3Format.Read
        public RestoredEntries(ProcessedCommand[] entries)
        {
            Entries = entries;
            LastIndexById = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
            for (var i = 0; i < entries.Length; i++) LastIndexById[entries[i].CommandId.Value] = i;
        }

        public ProcessedCommand[] Entries { get; }

        public Dictionary<string, int> LastIndexById { get; }
    }
}
