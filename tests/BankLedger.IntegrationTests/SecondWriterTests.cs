using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankLedger.Domain;
using BankLedger.Ledger;
using BankLedger.Node;
using BankLedger.Node.Hosting;
using BankLedger.TestSupport;

namespace BankLedger.IntegrationTests;

/// <summary>
/// The spec's optimistic concurrency, at the last line of defence: two actor systems that are NOT in one
/// cluster (so sharding cannot keep them apart) both write one account into the same journal database.
/// The journal's primary key on (persistence_id, sequence_nr) must reject the loser.
/// </summary>
public sealed class SecondWriterTests
{
    private static readonly AccountId Contested = AccountId.Parse("acc-contested");

    [Fact]
    public async Task Two_unclustered_writers_on_sqlite_never_duplicate_a_sequence()
    {
        using var data = new TempDirectory("second-writer");
        await ContestAsync(SettingsFor(data.Path, new LedgerOptions()));
    }

    [Fact]
    public async Task Two_unclustered_writers_on_postgresql_never_duplicate_a_sequence()
    {
        using var data = new TempDirectory("second-writer");
        await using var database = await PostgresDatabase.CreateAsync("second_writer");
        await ContestAsync(SettingsFor(data.Path, new LedgerOptions
        {
            Journal = new JournalOptions { Provider = "postgresql", ConnectionString = database.ConnectionString },
        }));
    }

    private static NodeSettings SettingsFor(string dataDirectory, LedgerOptions options)
    {
        options.DataDirectory = dataDirectory;
        var settings = NodeSettings.Resolve(options, dataDirectory);
        DataDirectory.Prepare(settings);
        return settings;
    }

    private static async Task ContestAsync(NodeSettings settings)
    {
        var config = SystemConfig(settings);
        using var first = ActorSystem.Create("writer-a", config);
        using var second = ActorSystem.Create("writer-b", config);
        // Generous for the first asks (journal start-up, table creation on a loaded CI machine); the
        // contested asks only need to outlive one write, and the stopped loser never answers at all.
        var startupTimeout = TimeSpan.FromSeconds(30);
        var timeout = TimeSpan.FromSeconds(5);

        var writerA = first.ActorOf(AccountActor.Props(Contested, 100, TimeProvider.System));
        var opened = await writerA.Ask<CommandReply>(Open(), startupTimeout);
        Assert.IsType<CommandAccepted>(opened);
        // B recovers after the open, so both writers believe they own sequence 2 next.
        var writerB = second.ActorOf(AccountActor.Props(Contested, 100, TimeProvider.System));
        // Repeating the open makes B finish its recovery now (it answers with the replayed response).
        var replayedOpen = Assert.IsType<CommandAccepted>(await writerB.Ask<CommandReply>(Open(), startupTimeout));
        Assert.True(replayedOpen.Response.IsReplay);

        var attempts = Enumerable.Range(1, 30).Select(i => (Writer: i % 2 == 0 ? writerA : writerB, Command: Deposit(i))).ToArray();
        var replies = await Task.WhenAll(attempts.Select(async a =>
        {
            try
            {
                return (a.Command, Reply: await a.Writer.Ask<CommandReply>(a.Command, timeout));
            }
            catch (AskTimeoutException)
            {
                return (a.Command, Reply: (CommandReply?)null); // the losing writer stopped: no answer, nothing promised
            }
        }));

        var journal = await ReadJournalAsync(config);
        var sequences = journal.Select(e => e.Sequence).ToArray();
        Assert.Equal(Enumerable.Range(1, sequences.Length).Select(i => (long)i), sequences); // unique and gap-free

        // Every acknowledged command is in the journal at the sequence it was acknowledged with.
        var accepted = replies.Where(r => r.Reply is CommandAccepted).Select(r => ((CommandAccepted)r.Reply!).Response).ToArray();
        Assert.NotEmpty(accepted);
        foreach (var response in accepted)
            Assert.Equal(response.CommandId, journal.Single(e => e.Sequence == response.Sequence).Event.CommandId);
        Assert.True(replies.Any(r => r.Reply is not CommandAccepted), "the second writer must have lost at least one write");

        // The surviving history replays to a consistent balance: each event's balance follows from the previous.
        var balance = 0L;
        foreach (var (_, @event) in journal)
        {
            if (@event is MoneyMoved moved)
            {
                balance += moved.SignedAmountCents;
                Assert.Equal(balance, moved.BalanceAfterCents);
            }
        }
        var replayed = BankLedger.Domain.Account.Replay(AccountState.Initial(Contested), journal.Select(e => e.Event));
        Assert.Equal(balance, replayed.BalanceCents);
    }

    private static async Task<IReadOnlyList<(long Sequence, AccountEvent Event)>> ReadJournalAsync(Config config)
    {
        using var reader = ActorSystem.Create("reader", config);
        var query = PersistenceQuery.Get(reader).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = await query.CurrentEventsByPersistenceId(AccountActor.PersistenceIdOf(Contested), 0, long.MaxValue)
            .Select(e => (e.SequenceNr, (AccountEvent)e.Event))
            .RunWith(Sink.Seq<(long, AccountEvent)>(), reader.Materializer());
        return events;
    }

    private static Config SystemConfig(NodeSettings settings) =>
        ConfigurationFactory.ParseString("""
            akka.actor.serializers.bankledger = "BankLedger.Ledger.Serialization.LedgerSerializer, BankLedger.Ledger"
            akka.actor.serialization-bindings {
              "BankLedger.Domain.AccountEvent, BankLedger.Domain" = bankledger
              "BankLedger.Domain.AccountState, BankLedger.Domain" = bankledger
            }
            akka.loglevel = WARNING
            """).WithFallback(PersistenceConfiguration.Build(settings));

    private static OpenAccount Open() => new()
    {
        AccountId = Contested, CommandId = CommandId.Parse("open"), CreatedAt = DateTimeOffset.UnixEpoch, Currency = Currency.Parse("EUR"),
    };

    private static DepositFunds Deposit(int i) => new()
    {
        AccountId = Contested, CommandId = CommandId.Parse($"dep-{i}"), CreatedAt = DateTimeOffset.UnixEpoch,
        AmountCents = i * 10, Currency = Currency.Parse("EUR"),
    };
}
