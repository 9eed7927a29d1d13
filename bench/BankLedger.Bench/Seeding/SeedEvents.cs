using Akka.Actor;
using Akka.Configuration;
using BankLedger.Domain;
using BankLedger.Ledger;
using BankLedger.Ledger.Serialization;
using BankLedger.Ledger.Tagging;

namespace BankLedger.Bench.Seeding;

/// <summary>One journal row as Akka.Persistence.Sql stores it (tag-table mode), payload already serialized.</summary>
internal readonly record struct SeedRow(string PersistenceId, long SequenceNr, byte[] Message, string Manifest, string Tag);

/// <summary>
/// Produces account histories for seeding the journal directly (much faster than HTTP), through the
/// real code paths: commands are decided by the domain's <see cref="Account.Decide"/>, folded with
/// <see cref="Account.Evolve"/>, serialized by the node's own <see cref="LedgerSerializer"/> and tagged by
/// <see cref="PartitionTags"/> — so the rows are exactly what the node would have written.
/// </summary>
internal sealed class SeedEvents : IDisposable
{
    private static readonly Currency Usd = Currency.Parse("USD");
    private readonly ActorSystem _system;
    private readonly LedgerSerializer _serializer;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public SeedEvents()
    {
        // The serializer only needs an ActorSystem to exist; nothing runs on it.
        _system = ActorSystem.Create("bench-seed", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));
        _serializer = new LedgerSerializer((ExtendedActorSystem)_system);
    }

    /// <summary>
    /// <paramref name="accounts"/> accounts, each opened then given deposits up to <paramref name="eventsPerAccount"/>
    /// events, interleaved round-robin (the order real traffic produces: every batch spans many accounts and tags).
    /// </summary>
    public IEnumerable<SeedRow> Interleaved(IReadOnlyList<string> accounts, int eventsPerAccount)
    {
        var states = accounts.Select(a => AccountState.Initial(AccountId.Parse(a))).ToArray();
        var tags = accounts.Select(a => PartitionTags.TagFor(AccountId.Parse(a))).ToArray();
        for (var sequence = 1; sequence <= eventsPerAccount; sequence++)
        {
            for (var i = 0; i < states.Length; i++)
            {
                var (row, next) = Next(states[i], tags[i]);
                states[i] = next;
                yield return row;
            }
        }
    }

    /// <summary>One account's whole history in a row: open, then deposits.</summary>
    public IEnumerable<SeedRow> SingleAccount(string account, int events)
    {
        var state = AccountState.Initial(AccountId.Parse(account));
        var tag = PartitionTags.TagFor(state.AccountId);
        for (var n = 0; n < events; n++)
        {
            (var row, state) = Next(state, tag);
            yield return row;
        }
    }

    private (SeedRow Row, AccountState Next) Next(AccountState state, string tag)
    {
        var sequence = state.Sequence + 1;
        var commandId = CommandId.Parse($"seed-{sequence}");
        AccountCommand command = sequence == 1
            ? new OpenAccount { AccountId = state.AccountId, CommandId = commandId, CreatedAt = _now, Currency = Usd, Owner = "bench" }
            : new DepositFunds { AccountId = state.AccountId, CommandId = commandId, CreatedAt = _now, AmountCents = 100, Currency = Usd, Reference = "seed" };
        if (Account.Decide(state, command, _now) is not Accepted accepted)
            throw new InvalidOperationException($"seeding {state.AccountId} at {sequence}: command not accepted");
        var next = Account.Evolve(state, accepted.Event);
        var row = new SeedRow(AccountActor.PersistenceIdOf(state.AccountId), next.Sequence, _serializer.ToBinary(accepted.Event), _serializer.Manifest(accepted.Event), tag);
        return (row, next);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
