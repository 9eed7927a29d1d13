using Akka.Persistence.Journal;
using BankLedger.Domain;

namespace BankLedger.Ledger.Tagging;

/// <summary>Write-side event adapter: tags every account event with its account's partition tag.</summary>
public sealed class PartitionTaggingAdapter : IWriteEventAdapter
{
    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt switch
    {
        AccountEvent accountEvent => new Tagged(accountEvent, [PartitionTags.TagFor(accountEvent.AccountId)]),
        _ => evt,
    };
}
