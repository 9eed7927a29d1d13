using System.Diagnostics;
using BankLedger.Projections;
using BankLedger.Projections.Tests;
using Xunit.Abstractions;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>
/// Large bulk batches apply completely (the elapsed rate is printed for orientation only; timing numbers
/// belong in bench/, so the run is kept small and nothing asserts on it).
/// </summary>
public sealed class ThroughputTests(TestServerFixture server, ITestOutputHelper output) : IClassFixture<TestServerFixture>
{
    [Fact]
    public async Task Ten_batches_of_a_thousand_events_over_a_hundred_accounts_apply_completely()
    {
        const int batches = 10;
        const int batchSize = 1_000;
        const int accounts = 100;
        var options = TestStores.Options(server.Url, TestStores.NewPrefix());
        await using var store = new ElasticsearchReadStore(options);
        try
        {
            await store.InitializeAsync(CancellationToken.None);
            var streams = Enumerable.Range(0, accounts).Select(i => new AccountStream($"acc-{i:D3}")).ToList();
            var all = new List<ReadModelBatch>(batches);
            var offset = 0L;
            for (var b = 0; b < batches; b++)
            {
                var events = new List<SequencedEvent>(batchSize);
                for (var i = 0; i < batchSize; i++)
                {
                    var stream = streams[i % accounts];
                    events.Add(stream.Sequence == 0 ? stream.Open() : stream.Deposit(1 + (i % 7)));
                }

                offset += batchSize;
                all.Add(new ReadModelBatch("accounts-0", offset, events));
            }

            var watch = Stopwatch.StartNew();
            foreach (var batch in all)
            {
                await store.ApplyAsync(batch, CancellationToken.None);
            }

            watch.Stop();
            var total = batches * batchSize;
            output.WriteLine(
                $"{total:N0} events in {batches} batches over {accounts} accounts: {watch.Elapsed.TotalSeconds:F2} s = {total / watch.Elapsed.TotalSeconds:N0} events/s");

            var last = await store.LoadLastSequencesAsync(streams.Select(s => s.Account).ToList(), CancellationToken.None);
            Assert.All(streams, s => Assert.Equal(s.Sequence, last[s.Account]));
            var sample = await store.GetAccountAsync(streams[42].Account, CancellationToken.None);
            Assert.Equal(streams[42].BalanceCents, sample?.BalanceCents);
            Assert.Equal(offset, await store.LoadCheckpointAsync("accounts-0", CancellationToken.None));
            var page = await store.GetTransactionsAsync(streams[42].Account, 5, null, CancellationToken.None);
            Assert.Equal(streams[42].Sequence, page.Items[0].Sequence);
        }
        finally
        {
            await TestStores.DeleteIndicesAsync(options);
        }
    }
}
