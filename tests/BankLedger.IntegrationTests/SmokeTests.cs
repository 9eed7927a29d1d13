using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Open_deposit_and_read_back_through_the_projection()
    {
        await using var app = await LedgerApp.StartAsync();
        var client = app.CreateClient();
        await client.OpenAsync("acc-1", "c1").ExpectAsync(200);
        var deposit = await client.DepositAsync("acc-1", "c2", 500).ExpectAsync(200);
        Assert.Equal(2, deposit.GetProperty("sequence").GetInt64());
        var balance = await client.BalanceAsync("acc-1", minSequence: 2);
        Assert.Equal(500, balance.GetProperty("current_balance_cents").GetInt64());
    }
}
