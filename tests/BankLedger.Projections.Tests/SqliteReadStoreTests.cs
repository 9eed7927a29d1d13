using BankLedger.Domain;
using BankLedger.ReadStore.Sqlite;
using Microsoft.Data.Sqlite;

namespace BankLedger.Projections.Tests;

/// <summary>What the SQLite adapter promises beyond the shared contract.</summary>
public sealed class SqliteReadStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new("sqlite-store");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_constructor_creates_missing_parent_folders()
    {
        var path = Path.Combine(_directory.Path, "a", "b", "read.db");

        await using var store = new SqliteReadStore(path);
        await store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
        Assert.Equal(Path.GetFullPath(path), store.DatabasePath);
    }

    [Fact]
    public async Task The_database_file_is_in_wal_mode_with_the_three_tables()
    {
        var path = _directory.File("read.db");
        await using var store = new SqliteReadStore(path);
        await store.InitializeAsync(CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await mode.ExecuteScalarAsync() as string);

        await using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["accounts", "checkpoints", "transactions"], names);
    }

    [Fact]
    public async Task Timestamps_keep_every_tick_and_their_offset()
    {
        await using var store = new SqliteReadStore(_directory.File("read.db"));
        await store.InitializeAsync(CancellationToken.None);
        var occurredAt = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(-5)).AddTicks(1_234_567);
        var clientAt = new DateTimeOffset(2024, 3, 1, 4, 59, 58, TimeSpan.FromMinutes(330)).AddTicks(9_999_999);
        var opened = new AccountOpened
        {
            AccountId = AccountId.Parse("acc-1"),
            CommandId = CommandId.Parse("c1"),
            CommandFingerprint = new CommandFingerprint(0xF1, 1),
            OccurredAt = occurredAt,
            ClientCreatedAt = clientAt,
            Currency = Currency.Parse("USD"),
            OverdraftLimitCents = 0,
            Owner = "Ada",
        };

        await store.ApplyAsync(new ReadModelBatch("p", 1, [new SequencedEvent(1, opened)]), CancellationToken.None);

        var item = (await store.GetTransactionsAsync(opened.AccountId, 1, null, CancellationToken.None)).Items.Single();
        Assert.Equal((occurredAt.Ticks, occurredAt.Offset), (item.OccurredAt.Ticks, item.OccurredAt.Offset));
        Assert.Equal((clientAt.Ticks, clientAt.Offset), (item.ClientCreatedAt.Ticks, item.ClientCreatedAt.Offset));
        var view = await store.GetAccountAsync(opened.AccountId, CancellationToken.None);
        Assert.Equal((occurredAt.Ticks, occurredAt.Offset), (view!.OpenedAt.Ticks, view.OpenedAt.Offset));
    }

    [Fact]
    public async Task Lock_and_unlock_reasons_are_kept_as_the_history_reference()
    {
        await using var store = new SqliteReadStore(_directory.File("read.db"));
        await store.InitializeAsync(CancellationToken.None);
        var a = new AccountStream("acc-1");
        a.Open();
        a.Lock("kyc review");
        a.Unlock("kyc done");

        await store.ApplyAsync(new ReadModelBatch("p", 3, a.Events), CancellationToken.None);

        var page = await store.GetTransactionsAsync(a.Account, 10, null, CancellationToken.None);
        Assert.Equal(["kyc done", "kyc review", null], page.Items.Select(i => i.Reference));
    }

    [Fact]
    public async Task Text_longer_than_the_writers_stack_buffer_round_trips()
    {
        await using var store = new SqliteReadStore(_directory.File("read.db"));
        await store.InitializeAsync(CancellationToken.None);
        // 3,000 characters of 1-4 UTF-8 bytes each: well past the stack buffer, so the pooled-array path binds it.
        var reference = string.Concat(Enumerable.Repeat("aé東🏦", 600));
        var a = new AccountStream("acc-1");
        a.Open(owner: reference);
        a.Deposit(5, reference);

        await store.ApplyAsync(new ReadModelBatch("p", 2, a.Events), CancellationToken.None);

        Assert.Equal(reference, (await store.GetAccountAsync(a.Account, CancellationToken.None))?.Owner);
        var page = await store.GetTransactionsAsync(a.Account, 10, null, CancellationToken.None);
        Assert.Equal([reference, null], page.Items.Select(i => i.Reference));
    }

    [Fact]
    public async Task Applying_before_initializing_is_refused()
    {
        await using var store = new SqliteReadStore(_directory.File("read.db"));
        var a = new AccountStream("acc-1");
        a.Open();

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.ApplyAsync(new ReadModelBatch("p", 1, a.Events), CancellationToken.None));
    }

    [Fact]
    public async Task A_first_event_that_is_not_an_opening_is_refused_and_nothing_is_applied()
    {
        await using var store = new SqliteReadStore(_directory.File("read.db"));
        await store.InitializeAsync(CancellationToken.None);
        var a = new AccountStream("acc-1");
        a.Open();
        a.Deposit(5);
        var misnumbered = a[2] with { Sequence = 1 };

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.ApplyAsync(new ReadModelBatch("p", 1, [misnumbered]), CancellationToken.None));

        Assert.Null(await store.GetAccountAsync(a.Account, CancellationToken.None));
        Assert.Equal(0, await store.LoadCheckpointAsync("p", CancellationToken.None));
    }

    [Fact]
    public async Task Readers_see_the_last_committed_batch_while_the_writer_applies_more()
    {
        await using var store = new SqliteReadStore(_directory.File("read.db"));
        await store.InitializeAsync(CancellationToken.None);
        var a = new AccountStream("acc-1");
        a.Open();
        await store.ApplyAsync(new ReadModelBatch("p", 1, a.Events), CancellationToken.None);

        var writer = Task.Run(async () =>
        {
            for (var i = 2; i <= 200; i++)
            {
                a.Deposit(1);
                await store.ApplyAsync(new ReadModelBatch("p", i, [a[i]]), CancellationToken.None);
            }
        });

        long previous = 1;
        while (!writer.IsCompleted)
        {
            var view = await store.GetAccountAsync(a.Account, CancellationToken.None);
            Assert.NotNull(view);
            // A view is always a whole batch: balance and sequence move together, never backwards.
            Assert.Equal(view.LastSequence - 1, view.BalanceCents);
            Assert.True(view.LastSequence >= previous);
            previous = view.LastSequence;
        }

        await writer;
        Assert.Equal(200, (await store.GetAccountAsync(a.Account, CancellationToken.None))?.LastSequence);
    }

    [Fact]
    public async Task Disposing_closes_every_read_connection_so_the_wal_is_folded_into_the_file()
    {
        var path = _directory.File("read.db");
        var store = new SqliteReadStore(path);
        await store.InitializeAsync(CancellationToken.None);
        var a = new AccountStream("acc-1");
        a.Open();
        await store.ApplyAsync(new ReadModelBatch("p", 1, a.Events), CancellationToken.None);
        // Concurrent reads leave several open read connections behind for reuse.
        var reads = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.GetAccountAsync(a.Account, CancellationToken.None))));
        Assert.All(reads, view => Assert.Equal(1, view?.LastSequence));
        Assert.True(File.Exists(path + "-wal"));

        await store.DisposeAsync();

        // SQLite removes the WAL only when the last connection to the file closes.
        Assert.False(File.Exists(path + "-wal"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAccountAsync(a.Account, CancellationToken.None));
    }
}
