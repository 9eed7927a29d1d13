using BankLedger.Domain;

namespace BankLedger.Projections;

/// <summary>Reads a closed range of one account's events straight from the journal (by persistence id).</summary>
public interface IJournalRangeReader
{
    Task<IReadOnlyList<SequencedEvent>> ReadAsync(AccountId account, long fromSequence, long toSequence, CancellationToken cancellationToken);
}
