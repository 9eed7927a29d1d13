using System.Text.Json;
using BankLedger.IntegrationTests.Support;
using BankLedger.TestSupport;

namespace BankLedger.IntegrationTests;

/// <summary>A real node process is killed with SIGKILL mid-life; everything it acknowledged must survive.</summary>
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public Task Kill_9_and_restart_loses_no_accepted_command_on_sqlite() =>
        KillAndRestartKeepsEverything(new Dictionary<string, string>());

    [Fact]
    public async Task Kill_9_and_restart_loses_no_accepted_command_on_postgresql()
    {
        await using var database = await PostgresDatabase.CreateAsync("crash");
        await KillAndRestartKeepsEverything(new Dictionary<string, string>
        {
            ["Ledger:Journal:Provider"] = "postgresql",
            ["Ledger:Journal:ConnectionString"] = database.ConnectionString,
        });
    }

    private static async Task KillAndRestartKeepsEverything(Dictionary<string, string> settings)
    {
        using var data = new TempDirectory("crash");
        settings["Ledger:DataDirectory"] = data.Path;
        // Small snapshot interval so recovery goes through snapshot + later events, not only events.
        settings["Ledger:SnapshotEvery"] = "7";

        long expectedBalance;
        JsonElement historyBefore;
        await using (var node = NodeProcess.Start(settings))
        {
            var client = await node.WaitUntilReadyAsync(StartTimeout);
            await client.OpenAsync("acc-crash", "open-1", overdraft: 100).ExpectAsync(200);
            expectedBalance = 0;
            for (var i = 1; i <= 20; i++)
            {
                await client.DepositAsync("acc-crash", $"dep-{i}", i * 100).ExpectAsync(200);
                expectedBalance += i * 100;
            }
            await client.WithdrawAsync("acc-crash", "wd-1", 1234).ExpectAsync(200);
            expectedBalance -= 1234;
            await client.LockAsync("acc-crash", "lock-1").ExpectAsync(200);
            historyBefore = await client.GetAsync("/v1/queries/accounts/acc-crash/transactions?limit=500&min_sequence=23").ExpectAsync(200);
            await node.KillAsync();
        }

        await using (var node = NodeProcess.Start(settings))
        {
            var client = await node.WaitUntilReadyAsync(StartTimeout);
            var balance = await client.BalanceAsync("acc-crash", minSequence: 23);
            Assert.Equal(expectedBalance, balance.GetProperty("current_balance_cents").GetInt64());
            Assert.Equal(23, balance.GetProperty("last_updated_sequence").GetInt64());
            Assert.Equal("locked", balance.GetProperty("status").GetString());
            var historyAfter = await client.GetAsync("/v1/queries/accounts/acc-crash/transactions?limit=500").ExpectAsync(200);
            Assert.Equal(historyBefore.GetRawText(), historyAfter.GetRawText());

            // The write side recovered too: the actor knows the sequence, the lock and the idempotency keys.
            await client.DepositAsync("acc-crash", "dep-after", 1).ExpectProblemAsync(422, "account_locked");
            var repeat = await client.DepositAsync("acc-crash", "dep-20", 2000).ExpectAsync(200);
            Assert.Equal(21, repeat.GetProperty("sequence").GetInt64());
            var unlocked = await client.UnlockAsync("acc-crash", "unlock-1").ExpectAsync(200);
            Assert.Equal(24, unlocked.GetProperty("sequence").GetInt64());
            Assert.Equal(expectedBalance, unlocked.GetProperty("balance_cents").GetInt64());
        }
    }
}
