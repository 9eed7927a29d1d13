using BankLedger.Domain;

namespace BankLedger.Projections;

/// <summary>
/// The last applied sequence of recently projected accounts, so a batch asks the read store only about accounts it
/// has not seen lately. Asking for every account of every batch cost a store round trip per batch (SQLite: one
/// lookup per account on a reader connection whose page cache every commit invalidates; ~5% of the busy time of
/// a rebuild).
/// <para>
/// <b>Why an entry can be trusted.</b> An entry is only ever a value the store reported or a write of ours the store
/// confirmed, and no store moves an account's last sequence backwards. So an entry can only be <i>behind</i> the
/// store (another writer applied more meanwhile, e.g. an old instance during a failover, or a failed write that
/// landed anyway), never ahead of it. Behind is harmless: events the store already holds then look in order (the
/// store skips them, it is idempotent) or look like a gap (repaired from the journal, then skipped). Ahead would drop
/// events as duplicates; it cannot arise unless the store loses writes it confirmed, and even then the store's own
/// gap check refuses the next event and the restarted stream starts with an empty cache (see <see cref="Clear"/>).
/// </para>
/// <para>
/// Bounded by two generations: lookups promote entries into the current generation, and when it is full the older
/// generation is dropped. A dropped account costs one store lookup the next time it appears. Not thread-safe: the
/// projection processes one batch at a time.
/// </para>
/// </summary>
public sealed class LastAppliedCache
{
    private readonly int _generationSize;
    private Dictionary<AccountId, long> _current = [];
    private Dictionary<AccountId, long> _previous = [];

    /// <param name="capacity">Most accounts remembered (two generations of half as many).</param>
    public LastAppliedCache(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _generationSize = capacity / 2;
    }

    /// <summary>Accounts currently remembered (both generations; an account may be counted twice).</summary>
    public int Count => _current.Count + _previous.Count;

    public bool TryGet(AccountId account, out long lastApplied)
    {
        if (_current.TryGetValue(account, out lastApplied))
        {
            return true;
        }

        if (!_previous.TryGetValue(account, out lastApplied))
        {
            return false;
        }

        Set(account, lastApplied);
        return true;
    }

    /// <summary>Records what the store holds for <paramref name="account"/> (reported by it or confirmed by a write).</summary>
    public void Set(AccountId account, long lastApplied)
    {
        if (_current.Count >= _generationSize && !_current.ContainsKey(account))
        {
            _previous = _current;
            _current = new Dictionary<AccountId, long>(_generationSize);
        }

        // Both values are sequences the store held; the higher one is the more recent.
        _current[account] = _current.TryGetValue(account, out var known) ? Math.Max(known, lastApplied) : lastApplied;
    }

    /// <summary>Forgets everything: the next batches ask the store again.</summary>
    public void Clear()
    {
        _current = [];
        _previous = [];
    }
}
