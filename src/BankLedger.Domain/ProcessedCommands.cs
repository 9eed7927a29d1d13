using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// <remarks>
/// <para>
/// A window is a value: <see cref="Add"/> returns a new window and never changes the one it was called on. Its
/// representation is chosen for the garbage collector. An account's state outlives a gen-0 collection (it stays
/// reachable until the account's next command), so whatever a command adds to it is copied by the GC: with an
/// immutable dictionary that was the whole copied path, ~500 of the ~900 bytes a deposit left behind, and the
/// copying set the node's GC pauses. So entries go into a <see cref="Log"/> shared by a window and the windows
/// derived from it: append-only arrays plus an index by command id, in which a window is the range
/// [<see cref="_start"/>, <see cref="_end"/>). Appending to the log's newest end mutates it in place, invisibly to
/// every existing window (they never look past their own end); a window derived from an older point whose next
/// position is already taken either finds the same entry there (the actor derives its working and its durable
/// state from one parent with the same events, so this is the usual case) or copies its range into a log of
/// its own.
/// </para>
/// <para>
/// Answers are those of the window as first written — one immutable dictionary plus a queue — including its
/// rule for a repeated command id: evicting an entry forgets its id, even while a later entry with that id is
/// still in the window (<see cref="_forgotten"/>; ids are unique in practice, so it is almost always empty).
/// A log is locked for each read and append, so windows of one lineage may be used from several threads.
/// </para>
/// </remarks>
public sealed record ProcessedCommands
{
    public const int MinRetained = 1_000;
    public const int HardCap = 10_000;
    public static readonly TimeSpan RetainFor = TimeSpan.FromHours(24);

    /// <summary>No log: the first <see cref="Add"/> creates one, so no two accounts ever share a log.</summary>
    public static readonly ProcessedCommands Empty = new(null, 0, 0, ImmutableDictionary<string, int>.Empty, 0);

    private readonly Log? _log;

    /// <summary>Log position of the oldest entry in the window (the ones before it are evicted).</summary>
    private readonly int _start;

    /// <summary>Log position after the newest entry of the window.</summary>
    private readonly int _end;

    /// <summary>
    /// Command ids forgotten by an eviction although an entry with the id at or before the given position is still
    /// in the window; a later <see cref="Add"/> of the id makes it known again.
    /// </summary>
    private readonly ImmutableDictionary<string, int> _forgotten;

    private readonly int _count;

    private ProcessedCommands(Log? log, int start, int end, ImmutableDictionary<string, int> forgotten, int count)
    {
        _log = log;
        _start = start;
        _end = end;
        _forgotten = forgotten;
        _count = count;
    }

    /// <summary>How many command ids <see cref="Find"/> knows.</summary>
    public int Count => _count;

    /// <summary>All retained entries, oldest first (for snapshots).</summary>
    public IEnumerable<ProcessedCommand> OldestFirst => _log is null ? [] : _log.Range(_start, _end);

    public ProcessedCommand? Find(CommandId id) => FindAt(id.Value)?.Entry;

    public ProcessedCommands Add(ProcessedCommand entry)
    {
        var id = entry.CommandId.Value;
        var count = FindAt(id) is null ? _count + 1 : _count;
        var (log, start, end) = _log is null ? (new Log(), 0, 0) : (_log, _start, _end);
        (log, start, end) = log.Append(start, end, entry);
        var forgotten = _forgotten.Remove(id);
        return new ProcessedCommands(log, start, end, forgotten, count).Trim(entry.OccurredAt);
    }

    /// <summary>
    /// Rebuilds a window from a snapshot in one pass (an account recovers with up to <see cref="HardCap"/> entries),
    /// then applies the retention rule against the newest entry, exactly as the last <see cref="Add"/> did when
    /// the snapshot was taken.
    /// </summary>
    public static ProcessedCommands FromOldestFirst(IEnumerable<ProcessedCommand> entries)
    {
        var log = new Log([.. entries]);
        if (log.Length == 0) return Empty;
        return new ProcessedCommands(log, 0, log.Length, ImmutableDictionary<string, int>.Empty, log.DistinctIds)
            .Trim(log.Newest.OccurredAt);
    }

    /// <summary>The newest entry with this id in the window and its position, unless evicted or forgotten.</summary>
    private (int Position, ProcessedCommand Entry)? FindAt(string id)
    {
        if (_log?.LatestBefore(id, _end) is not { } latest || latest.Position < _start) return null;
        return _forgotten.TryGetValue(id, out var upTo) && latest.Position <= upTo ? null : latest;
    }

    private ProcessedCommands Trim(DateTimeOffset newest)
    {
        var window = this;
        var horizon = newest - RetainFor;
        while (window._count > MinRetained)
        {
            if (window._log!.At(window._start).OccurredAt >= horizon && window._count <= HardCap) break;
            window = window.EvictOldest();
        }
        return window;
    }

    /// <summary>Drops the oldest entry and forgets its command id, whichever entry of the window the id maps to.</summary>
    private ProcessedCommands EvictOldest()
    {
        var id = _log!.At(_start).CommandId.Value;
        var known = FindAt(id);
        var count = known is null ? _count : _count - 1;
        var forgotten = _forgotten;
        // A later entry with the same id stays in the window but is forgotten, as the single dictionary did.
        forgotten = _log.LatestBefore(id, _end) is { } latest && latest.Position > _start
            ? forgotten.SetItem(id, latest.Position)
            : forgotten.Remove(id);
        return new ProcessedCommands(_log, _start + 1, _end, forgotten, count);
    }

    /// <summary>
    /// Entries at consecutive positions, appended only at the end, never changed once written; for each entry the
    /// position of the previous entry with the same command id, and for each id its newest position.
    /// </summary>
    private sealed class Log
    {
        private readonly Lock _gate = new();
        private ProcessedCommand[] _entries;
        private int[] _previousWithSameId;
        private readonly Dictionary<string, int> _newestById;
        private int _length;

        public Log()
        {
            _entries = new ProcessedCommand[4];
            _previousWithSameId = new int[4];
            _newestById = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs in recovery; see SnapshotV2Format.Read
        public Log(ProcessedCommand[] entries)
        {
            _entries = entries;
            _previousWithSameId = new int[Math.Max(entries.Length, 4)];
            _newestById = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
            for (var i = 0; i < entries.Length; i++) Index(i);
            _length = entries.Length;
        }

        public int Length => _length;

        public int DistinctIds => _newestById.Count;

        public ProcessedCommand Newest => _entries[_length - 1];

        public ProcessedCommand At(int position)
        {
            lock (_gate) return _entries[position];
        }

        /// <summary>The newest entry with this id before <paramref name="end"/>, and its position.</summary>
        public (int Position, ProcessedCommand Entry)? LatestBefore(string id, int end)
        {
            lock (_gate)
            {
                if (!_newestById.TryGetValue(id, out var position)) return null;
                while (position >= end) position = _previousWithSameId[position];
                return position < 0 ? null : (position, _entries[position]);
            }
        }

        public IEnumerable<ProcessedCommand> Range(int start, int end)
        {
            ProcessedCommand[] entries;
            lock (_gate) entries = _entries; // positions below a window's end are never written again, even after growth
            for (var i = start; i < end; i++) yield return entries[i];
        }

        /// <summary>
        /// Appends after a window [start, end): in place when the window ends where the log ends, nothing when the
        /// log already holds an equal entry there, else into a new log holding a copy of the window. Returns the log
        /// and range of the window with the entry.
        /// </summary>
        public (Log Log, int Start, int End) Append(int start, int end, ProcessedCommand entry)
        {
            lock (_gate)
            {
                if (end < _length)
                {
                    // The same answer already written here by a sibling window (equal down to the time's offset): share it.
                    var existing = _entries[end];
                    if (existing == entry && existing.OccurredAt.Offset == entry.OccurredAt.Offset) return (this, start, end + 1);
                }
                else if (start < _length / 2 || _length < 64)
                {
                    Write(entry);
                    return (this, start, end + 1);
                }
            }
            // Branched off (or the log's evicted prefix outgrew the window): a log of the window's own, so memory
            // stays proportional to the window and no other window's entries are visible to it.
            var copy = new Log(Range(start, end).Append(entry).ToArray());
            return (copy, 0, copy.Length);
        }

        private void Write(ProcessedCommand entry)
        {
            if (_length == _entries.Length)
            {
                // Grow into new arrays: a reader that already took the old array keeps reading the same entries.
                Array.Resize(ref _entries, Math.Max(4, _entries.Length * 2));
                Array.Resize(ref _previousWithSameId, _entries.Length);
            }
            _entries[_length] = entry;
            Index(_length);
            _length++;
        }

        private void Index(int position)
        {
            ref var newest = ref CollectionsMarshal.GetValueRefOrAddDefault(_newestById, _entries[position].CommandId.Value, out var existed);
            _previousWithSameId[position] = existed ? newest : -1;
            newest = position;
        }
    }
}
