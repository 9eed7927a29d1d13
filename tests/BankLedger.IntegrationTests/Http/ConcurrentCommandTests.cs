using System.Net;
using System.Text.Json;
using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests.Http;

/// <summary>Many clients hitting one account at once over HTTP: every command is serialized, none lost or doubled.</summary>
public abstract class ConcurrentCommandTests(LedgerAppFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Forty_concurrent_deposits_on_one_account_all_succeed_with_sequences_2_to_41_and_add_up()
    {
        var account = await _client.OpenNewAccountAsync();
        var amounts = Enumerable.Range(1, 40).Select(i => (long)(i * 100 + i)).ToArray();

        var answers = await Task.WhenAll(amounts.Select(async amount =>
        {
            var body = await _client.DepositAsync(account, Ids.Command(), amount).ExpectAsync(200);
            return (Amount: amount, Sequence: body.GetProperty("sequence").GetInt64(), Balance: body.GetProperty("balance_cents").GetInt64());
        }));

        Assert.Equal(Enumerable.Range(2, 40).Select(i => (long)i), answers.Select(a => a.Sequence).Order());
        AssertBalancesChain(answers.OrderBy(a => a.Sequence).Select(a => (a.Amount, a.Balance)), startBalance: 0);

        var view = await _client.BalanceAsync(account, minSequence: 41);
        Assert.Equal(amounts.Sum(), view.GetProperty("current_balance_cents").GetInt64());
        Assert.Equal(41, view.GetProperty("last_updated_sequence").GetInt64());
        var history = await _client.AllTransactionsAsync(account, minSequence: 41);
        Assert.Equal(41, history.Count);
    }

    [Fact]
    public async Task Twenty_concurrent_withdrawals_racing_on_a_small_balance_never_break_the_overdraft_limit()
    {
        const long overdraft = 500;
        const long deposit = 1_000;
        var account = await _client.OpenNewAccountAsync(overdraft);
        Assert.Equal(2, await _client.DepositAsync(account, Ids.Command(), deposit).SequenceAsync());
        // 20 withdrawals of 100..290 cents (3,900 in all) race for 1,500 available cents.
        var amounts = Enumerable.Range(0, 20).Select(i => 100L + (i * 10)).ToArray();

        var outcomes = await Task.WhenAll(amounts.Select(async amount =>
        {
            using var response = await _client.WithdrawAsync(account, Ids.Command(), amount);
            var text = await response.Content.ReadAsStringAsync();
            var body = JsonDocument.Parse(text).RootElement.Clone();
            if (response.StatusCode == HttpStatusCode.OK)
                return (Amount: amount, Accepted: true, Sequence: body.GetProperty("sequence").GetInt64(), Balance: body.GetProperty("balance_cents").GetInt64());
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"unexpected answer {(int)response.StatusCode}: {text}");
            Assert.Equal("insufficient_funds", body.GetProperty("code").GetString());
            return (Amount: amount, Accepted: false, Sequence: 0L, Balance: 0L);
        }));

        var accepted = outcomes.Where(o => o.Accepted).OrderBy(o => o.Sequence).ToArray();
        var rejected = outcomes.Count(o => !o.Accepted);
        Assert.Equal(20, accepted.Length + rejected);
        Assert.NotEmpty(accepted);
        Assert.True(rejected > 0, "3,900 cents of withdrawals cannot all fit in 1,500");
        Assert.All(accepted, o => Assert.True(o.Balance >= -overdraft, $"balance {o.Balance} is below -{overdraft}"));
        Assert.Equal(Enumerable.Range(3, accepted.Length).Select(i => (long)i), accepted.Select(o => o.Sequence));
        AssertBalancesChain(accepted.Select(o => (-o.Amount, o.Balance)), startBalance: deposit);

        // The balance only falls during the race, so a withdrawal rejected at any point would not fit the final
        // balance either: the final balance leaves no room for the smallest rejected amount.
        var expected = deposit - accepted.Sum(o => o.Amount);
        var lastSequence = 2L + accepted.Length;
        var view = await _client.BalanceAsync(account, minSequence: lastSequence);
        Assert.Equal(expected, view.GetProperty("current_balance_cents").GetInt64());
        Assert.Equal(lastSequence, view.GetProperty("last_updated_sequence").GetInt64());
        Assert.True(expected >= -overdraft);
        var smallestRejected = outcomes.Where(o => !o.Accepted).Min(o => o.Amount);
        Assert.True(expected - smallestRejected < -overdraft,
            $"{smallestRejected} was rejected although the final balance {expected} leaves room for it");
    }

    [Fact]
    public async Task Ten_concurrent_copies_of_one_command_record_one_event_and_all_get_the_same_answer()
    {
        var account = await _client.OpenNewAccountAsync();
        var id = Ids.Command();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _client.DepositAsync(account, id, 300).ExpectAsync(200)));

        Assert.Single(answers.Select(a => a.GetRawText()).Distinct());
        Assert.Equal(2, answers[0].GetProperty("sequence").GetInt64());
        Assert.Equal(3, await _client.DepositAsync(account, Ids.Command(), 1).SequenceAsync());
        var view = await _client.BalanceAsync(account, minSequence: 3);
        Assert.Equal(301, view.GetProperty("current_balance_cents").GetInt64());
    }

    [Fact]
    public async Task Concurrent_different_commands_under_one_id_accept_exactly_one_and_refuse_the_rest_as_key_reused()
    {
        var account = await _client.OpenNewAccountAsync();
        var id = Ids.Command();
        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(async amount =>
        {
            using var response = await _client.DepositAsync(account, id, amount);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return (Status: (int)response.StatusCode, Body: body);
        }));

        var winner = Assert.Single(responses, r => r.Status == 200);
        Assert.All(responses.Where(r => r.Status != 200), r =>
        {
            Assert.Equal(409, r.Status);
            Assert.Equal("idempotency_key_reused", r.Body.GetProperty("code").GetString());
        });
        Assert.Equal(2, winner.Body.GetProperty("sequence").GetInt64());
        var amountWon = winner.Body.GetProperty("balance_cents").GetInt64();
        Assert.InRange(amountWon, 1, 10);
        var view = await _client.BalanceAsync(account, minSequence: 2);
        Assert.Equal(amountWon, view.GetProperty("current_balance_cents").GetInt64());
        Assert.Equal(3, await _client.DepositAsync(account, Ids.Command(), 1).SequenceAsync());
    }

    /// <summary>Each answer's balance is the previous balance plus its signed amount, in sequence order.</summary>
    private static void AssertBalancesChain(IEnumerable<(long SignedAmount, long Balance)> inSequenceOrder, long startBalance)
    {
        var running = startBalance;
        foreach (var (amount, balance) in inSequenceOrder)
        {
            running += amount;
            Assert.Equal(running, balance);
        }
    }
}

public sealed class ConcurrentCommandTestsOnSqlite(SqliteLedgerFixture fixture)
    : ConcurrentCommandTests(fixture), IClassFixture<SqliteLedgerFixture>;

public sealed class ConcurrentCommandTestsOnPostgreSql(PostgreSqlLedgerFixture fixture)
    : ConcurrentCommandTests(fixture), IClassFixture<PostgreSqlLedgerFixture>;
