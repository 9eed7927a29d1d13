using BankLedger.Node.Hosting;
using BankLedger.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace BankLedger.IntegrationTests;

public sealed class GcPacerTests
{
    private const long Budget = 1_000_000;

    [Fact]
    public void The_budget_is_spent_once_that_many_bytes_were_allocated_since_the_last_collection()
    {
        var budget = new Gen0Budget(Budget, allocatedBytes: 5_000_000, gen0Collections: 7);
        Assert.False(budget.IsSpent(5_999_999, 7));
        Assert.True(budget.IsSpent(6_000_000, 7));

        budget.Renew(6_100_000, 8);
        Assert.False(budget.IsSpent(7_000_000, 8));
        Assert.True(budget.IsSpent(7_100_000, 8));
    }

    [Fact]
    public void A_collection_by_the_runtime_starts_a_new_budget()
    {
        var budget = new Gen0Budget(Budget, allocatedBytes: 0, gen0Collections: 3);
        Assert.False(budget.IsSpent(2_500_000, 4)); // The runtime collected in between: bytes before it do not count.
        Assert.False(budget.IsSpent(3_000_000, 4));
        Assert.True(budget.IsSpent(3_500_000, 4));
    }

    [Fact]
    public async Task The_pacer_does_not_collect_while_the_process_stays_under_its_budget()
    {
        var pacer = new GcPacer(gen0Budget: 256L * 1024 * 1024 * 1024, NullLogger<GcPacer>.Instance); // never reached
        await pacer.StartAsync(CancellationToken.None);
        try
        {
            Allocate(20 * Budget);
            var checksAfterAllocating = pacer.Checks;
            await Eventually.Until(() => pacer.Checks >= checksAfterAllocating + 3, TimeSpan.FromSeconds(10), "three checks after allocating");
            Assert.Equal(0, pacer.InducedCollections);
        }
        finally
        {
            await pacer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_pacer_collects_once_the_process_has_allocated_its_budget()
    {
        var pacer = new GcPacer(gen0Budget: Budget, NullLogger<GcPacer>.Instance);
        await pacer.StartAsync(CancellationToken.None);
        try
        {
            // Other tests allocate in parallel and the runtime's own collections renew the budget, so allocate past
            // it again until the pacer has had a check in which it was spent.
            await Eventually.Until(() =>
            {
                Allocate(2 * Budget);
                return pacer.InducedCollections > 0;
            }, TimeSpan.FromSeconds(20), "a collection induced after allocating past the budget");
        }
        finally
        {
            await pacer.StopAsync(CancellationToken.None);
        }
    }

    private static volatile byte[]? s_sink;

    private static void Allocate(long bytes)
    {
        for (long done = 0; done < bytes; done += 8_000) s_sink = new byte[8_000];
    }
}
