using System.Globalization;
using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests.Http;

/// <summary>
/// The command endpoints' success answers and every business rule, through real HTTP, on one journal.
/// Run on each journal by the small derived classes at the bottom of this file.
/// </summary>
public abstract class CommandRulesTests(LedgerAppFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    // ----- success shapes -------------------------------------------------------------------------

    [Fact]
    public async Task Every_command_answers_200_with_the_full_accepted_shape()
    {
        var account = Ids.Account();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var commands = new (string Id, Func<string, Task<HttpResponseMessage>> Send, string EventType, long Balance)[]
        {
            (Ids.Command(), id => _client.OpenAsync(account, id, "USD", 100), "AccountOpened", 0),
            (Ids.Command(), id => _client.DepositAsync(account, id, 500), "FundsDeposited", 500),
            (Ids.Command(), id => _client.WithdrawAsync(account, id, 200), "FundsWithdrawn", 300),
            (Ids.Command(), id => _client.LockAsync(account, id), "AccountLocked", 300),
            (Ids.Command(), id => _client.UnlockAsync(account, id), "AccountUnlocked", 300),
        };

        var tokens = new HashSet<string>();
        for (var i = 0; i < commands.Length; i++)
        {
            var (id, send, eventType, balance) = commands[i];
            var body = await send(id).ExpectAsync(200);
            body.AssertProperties(HttpExtras.CommandShape);
            Assert.Equal(id, body.GetProperty("command_id").GetString());
            Assert.Equal(account, body.GetProperty("aggregate_id").GetString());
            Assert.Equal(i + 1, body.GetProperty("sequence").GetInt64());
            Assert.Equal(eventType, body.GetProperty("event_type").GetString());
            Assert.Equal(balance, body.GetProperty("balance_cents").GetInt64());
            var occurredAt = body.GetProperty("occurred_at").AssertRfc3339();
            Assert.InRange(occurredAt, before, DateTimeOffset.UtcNow.AddMinutes(1));
            var token = body.GetProperty("consistency_token").GetString();
            Assert.False(string.IsNullOrWhiteSpace(token));
            Assert.True(tokens.Add(token!), "each accepted command gets its own consistency token");
        }
    }

    [Fact]
    public async Task The_balance_view_has_the_exact_shape_and_follows_open_deposit_withdraw_lock_and_unlock()
    {
        var account = Ids.Account();
        await _client.OpenAsync(account, Ids.Command(), "EUR").ExpectAsync(200);

        var opened = await _client.BalanceAsync(account, minSequence: 1);
        opened.AssertProperties(HttpExtras.BalanceShape);
        Assert.Equal(account, opened.GetProperty("aggregate_id").GetString());
        Assert.Equal(0, opened.GetProperty("current_balance_cents").GetInt64());
        Assert.Equal("EUR", opened.GetProperty("currency").GetString());
        Assert.Equal(1, opened.GetProperty("last_updated_sequence").GetInt64());
        Assert.Equal("open", opened.GetProperty("status").GetString());
        opened.GetProperty("last_updated_at").AssertRfc3339();

        await _client.DepositAsync(account, Ids.Command(), 1_250, "EUR").ExpectAsync(200);
        await _client.WithdrawAsync(account, Ids.Command(), 250, "EUR").ExpectAsync(200);
        var locked = await _client.LockAsync(account, Ids.Command()).ExpectAsync(200);

        var view = await _client.BalanceAsync(account, minSequence: 4);
        view.AssertProperties(HttpExtras.BalanceShape);
        Assert.Equal(1_000, view.GetProperty("current_balance_cents").GetInt64());
        Assert.Equal(4, view.GetProperty("last_updated_sequence").GetInt64());
        Assert.Equal("locked", view.GetProperty("status").GetString());
        Assert.Equal(locked.GetProperty("occurred_at").AssertRfc3339(), view.GetProperty("last_updated_at").AssertRfc3339());

        await _client.UnlockAsync(account, Ids.Command()).ExpectAsync(200);
        var unlocked = await _client.BalanceAsync(account, minSequence: 5);
        Assert.Equal("open", unlocked.GetProperty("status").GetString());
        Assert.Equal(5, unlocked.GetProperty("last_updated_sequence").GetInt64());
        Assert.Equal(1_000, unlocked.GetProperty("current_balance_cents").GetInt64());
    }

    // ----- existence -------------------------------------------------------------------------------

    [Fact]
    public async Task A_deposit_to_an_unknown_account_is_404_account_not_found_and_creates_nothing()
    {
        var account = Ids.Account();
        await _client.DepositAsync(account, Ids.Command(), 100).ExpectProblemAsync(404, "account_not_found");
        await _client.WithdrawAsync(account, Ids.Command(), 100).ExpectProblemAsync(404, "account_not_found");
        await _client.LockAsync(account, Ids.Command()).ExpectProblemAsync(404, "account_not_found");
        await _client.UnlockAsync(account, Ids.Command()).ExpectProblemAsync(404, "account_not_found");

        // The account still does not exist: opening it is its first event.
        Assert.Equal(1, await _client.OpenAsync(account, Ids.Command()).SequenceAsync());
    }

    [Fact]
    public async Task Opening_an_existing_account_again_is_409_account_already_exists()
    {
        var account = await _client.OpenNewAccountAsync();
        var problem = await _client.OpenAsync(account, Ids.Command(), "EUR").ExpectProblemAsync(409, "account_already_exists");
        Assert.Equal("urn:bankledger:problem:account_already_exists", problem.GetProperty("type").GetString());
        await _client.AssertNothingPersistedAsync(account, 1);
    }

    // ----- optimistic concurrency ------------------------------------------------------------------

    [Fact]
    public async Task A_wrong_expected_sequence_is_409_sequence_conflict_and_the_right_one_is_accepted()
    {
        var account = await _client.OpenNewAccountAsync();

        foreach (var wrong in new[] { 0L, 2L, 7L })
        {
            var stale = Bodies.Deposit(account, Ids.Command(), 100).Set("expected_sequence", wrong.ToString(CultureInfo.InvariantCulture));
            await _client.PostCommandAsync("deposit", stale).ExpectProblemAsync(409, "sequence_conflict");
        }

        var right = Bodies.Deposit(account, Ids.Command(), 100).Set("expected_sequence", "1");
        Assert.Equal(2, await _client.PostCommandAsync("deposit", right).SequenceAsync());
        var next = Bodies.Withdraw(account, Ids.Command(), 40).Set("expected_sequence", "2");
        var body = await _client.PostCommandAsync("withdraw", next).ExpectAsync(200);
        Assert.Equal(3, body.GetProperty("sequence").GetInt64());
        Assert.Equal(60, body.GetProperty("balance_cents").GetInt64());
    }

    [Fact]
    public async Task Opening_with_expected_sequence_zero_is_accepted_and_with_another_value_is_a_sequence_conflict()
    {
        var account = Ids.Account();
        await _client.PostCommandAsync("open", Bodies.Open(account, Ids.Command()).Set("expected_sequence", "3"))
            .ExpectProblemAsync(409, "sequence_conflict");
        Assert.Equal(1, await _client.PostCommandAsync("open", Bodies.Open(account, Ids.Command()).Set("expected_sequence", "0")).SequenceAsync());
    }

    // ----- idempotency -----------------------------------------------------------------------------

    [Fact]
    public async Task Repeating_a_command_returns_the_identical_answer_and_records_one_event()
    {
        var account = await _client.OpenNewAccountAsync();
        var depositId = Ids.Command();

        var first = await _client.DepositAsync(account, depositId, 700).ExpectAsync(200);
        var second = await _client.DepositAsync(account, depositId, 700).ExpectAsync(200);
        Assert.Equal(first.GetRawText(), second.GetRawText());
        Assert.Equal(2, first.GetProperty("sequence").GetInt64());

        // The state moves on; a late retry still gets the original answer, not a new event.
        await _client.WithdrawAsync(account, Ids.Command(), 100).ExpectAsync(200);
        var late = await _client.DepositAsync(account, depositId, 700).ExpectAsync(200);
        Assert.Equal(first.GetRawText(), late.GetRawText());

        Assert.Equal(4, await _client.DepositAsync(account, Ids.Command(), 1).SequenceAsync());
        var history = await _client.AllTransactionsAsync(account, minSequence: 4);
        Assert.Equal(new long[] { 4, 3, 2, 1 }, history.Select(t => t.GetProperty("sequence").GetInt64()));
        Assert.Single(history, t => t.GetProperty("command_id").GetString() == depositId);
        var balance = await _client.BalanceAsync(account, minSequence: 4);
        Assert.Equal(601, balance.GetProperty("current_balance_cents").GetInt64());
    }

    [Fact]
    public async Task Repeating_an_open_returns_the_identical_answer_instead_of_account_already_exists()
    {
        var account = Ids.Account();
        var openId = Ids.Command();
        var first = await _client.OpenAsync(account, openId).ExpectAsync(200);
        var again = await _client.OpenAsync(account, openId).ExpectAsync(200);
        Assert.Equal(first.GetRawText(), again.GetRawText());
        await _client.AssertNothingPersistedAsync(account, 1);
    }

    [Fact]
    public async Task A_retry_gets_its_original_answer_even_after_the_account_was_locked()
    {
        var account = await _client.OpenNewAccountAsync();
        var depositId = Ids.Command();
        var first = await _client.DepositAsync(account, depositId, 250).ExpectAsync(200);
        await _client.LockAsync(account, Ids.Command()).ExpectAsync(200);

        var retry = await _client.DepositAsync(account, depositId, 250).ExpectAsync(200);
        Assert.Equal(first.GetRawText(), retry.GetRawText());
        await _client.DepositAsync(account, Ids.Command(), 250).ExpectProblemAsync(422, "account_locked");
        Assert.Equal(4, await _client.UnlockAsync(account, Ids.Command()).SequenceAsync());
    }

    [Fact]
    public async Task A_command_id_is_an_idempotency_key_per_account_only()
    {
        var first = await _client.OpenNewAccountAsync();
        var second = await _client.OpenNewAccountAsync();
        var shared = Ids.Command();
        var a = await _client.DepositAsync(first, shared, 100).ExpectAsync(200);
        var b = await _client.DepositAsync(second, shared, 200).ExpectAsync(200);
        Assert.Equal((2L, 100L), (a.GetProperty("sequence").GetInt64(), a.GetProperty("balance_cents").GetInt64()));
        Assert.Equal((2L, 200L), (b.GetProperty("sequence").GetInt64(), b.GetProperty("balance_cents").GetInt64()));
        Assert.Equal(second, b.GetProperty("aggregate_id").GetString());
    }

    [Fact]
    public async Task Reusing_a_command_id_for_different_content_is_409_idempotency_key_reused()
    {
        var account = await _client.OpenNewAccountAsync();
        var id = Ids.Command();
        await _client.DepositAsync(account, id, 700).ExpectAsync(200);

        await _client.DepositAsync(account, id, 701).ExpectProblemAsync(409, "idempotency_key_reused");
        await _client.WithdrawAsync(account, id, 700).ExpectProblemAsync(409, "idempotency_key_reused");
        await _client.LockAsync(account, id).ExpectProblemAsync(409, "idempotency_key_reused");
        await _client.PostCommandAsync("deposit", Bodies.Deposit(account, id, 700).Set("payload.reference", "\"other\""))
            .ExpectProblemAsync(409, "idempotency_key_reused");

        await _client.AssertNothingPersistedAsync(account, 2);
        var balance = await _client.BalanceAsync(account, minSequence: 3);
        Assert.Equal(701, balance.GetProperty("current_balance_cents").GetInt64());
    }

    // ----- money -----------------------------------------------------------------------------------

    [Fact]
    public async Task A_withdrawal_beyond_the_overdraft_is_422_insufficient_funds_and_the_exact_limit_is_accepted()
    {
        var account = await _client.OpenNewAccountAsync(overdraft: 100);
        await _client.DepositAsync(account, Ids.Command(), 50).ExpectAsync(200);

        await _client.WithdrawAsync(account, Ids.Command(), 151).ExpectProblemAsync(422, "insufficient_funds");
        var atLimit = await _client.WithdrawAsync(account, Ids.Command(), 150).ExpectAsync(200);
        Assert.Equal(3, atLimit.GetProperty("sequence").GetInt64());
        Assert.Equal(-100, atLimit.GetProperty("balance_cents").GetInt64());

        await _client.WithdrawAsync(account, Ids.Command(), 1).ExpectProblemAsync(422, "insufficient_funds");
        await _client.AssertNothingPersistedAsync(account, 3);
        var balance = await _client.BalanceAsync(account, minSequence: 4);
        Assert.Equal(-99, balance.GetProperty("current_balance_cents").GetInt64());
    }

    [Fact]
    public async Task Without_an_overdraft_the_whole_balance_can_be_withdrawn_but_not_one_cent_more()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.WithdrawAsync(account, Ids.Command(), 1).ExpectProblemAsync(422, "insufficient_funds");
        await _client.DepositAsync(account, Ids.Command(), 300).ExpectAsync(200);
        await _client.WithdrawAsync(account, Ids.Command(), 301).ExpectProblemAsync(422, "insufficient_funds");
        var all = await _client.WithdrawAsync(account, Ids.Command(), 300).ExpectAsync(200);
        Assert.Equal(3, all.GetProperty("sequence").GetInt64());
        Assert.Equal(0, all.GetProperty("balance_cents").GetInt64());
    }

    [Fact]
    public async Task Money_in_another_currency_is_422_currency_mismatch()
    {
        var account = await _client.OpenNewAccountAsync(overdraft: 1_000);
        await _client.DepositAsync(account, Ids.Command(), 100, "EUR").ExpectProblemAsync(422, "currency_mismatch");
        await _client.WithdrawAsync(account, Ids.Command(), 100, "GBP").ExpectProblemAsync(422, "currency_mismatch");
        await _client.AssertNothingPersistedAsync(account, 1);
    }

    [Fact]
    public async Task The_largest_single_amount_is_accepted()
    {
        var account = await _client.OpenNewAccountAsync();
        var body = await _client.DepositAsync(account, Ids.Command(), 1_000_000_000_000).ExpectAsync(200);
        Assert.Equal(1_000_000_000_000, body.GetProperty("balance_cents").GetInt64());
    }

    // ----- locking ---------------------------------------------------------------------------------

    [Fact]
    public async Task A_locked_account_refuses_deposits_and_withdrawals_with_422_account_locked_until_unlocked()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.DepositAsync(account, Ids.Command(), 1_000).ExpectAsync(200);
        Assert.Equal(3, await _client.LockAsync(account, Ids.Command()).SequenceAsync());

        await _client.DepositAsync(account, Ids.Command(), 100).ExpectProblemAsync(422, "account_locked");
        await _client.WithdrawAsync(account, Ids.Command(), 100).ExpectProblemAsync(422, "account_locked");

        // Nothing was persisted by the refusals: unlocking is the fourth event.
        Assert.Equal(4, await _client.UnlockAsync(account, Ids.Command()).SequenceAsync());
        var deposit = await _client.DepositAsync(account, Ids.Command(), 100).ExpectAsync(200);
        Assert.Equal(5, deposit.GetProperty("sequence").GetInt64());
        Assert.Equal(1_100, deposit.GetProperty("balance_cents").GetInt64());
        var withdrawal = await _client.WithdrawAsync(account, Ids.Command(), 600).ExpectAsync(200);
        Assert.Equal(6, withdrawal.GetProperty("sequence").GetInt64());
        Assert.Equal(500, withdrawal.GetProperty("balance_cents").GetInt64());
    }

    [Fact]
    public async Task Locking_a_locked_account_is_422_account_already_locked()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.LockAsync(account, Ids.Command()).ExpectAsync(200);
        await _client.LockAsync(account, Ids.Command()).ExpectProblemAsync(422, "account_already_locked");
        Assert.Equal(3, await _client.UnlockAsync(account, Ids.Command()).SequenceAsync());
    }

    [Fact]
    public async Task Unlocking_an_open_account_is_422_account_not_locked()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.UnlockAsync(account, Ids.Command()).ExpectProblemAsync(422, "account_not_locked");
        await _client.AssertNothingPersistedAsync(account, 1);

        await _client.LockAsync(account, Ids.Command()).ExpectAsync(200);
        await _client.UnlockAsync(account, Ids.Command()).ExpectAsync(200);
        await _client.UnlockAsync(account, Ids.Command()).ExpectProblemAsync(422, "account_not_locked");
        await _client.AssertNothingPersistedAsync(account, 4);
    }

    [Fact]
    public async Task Rejected_commands_never_appear_in_the_history()
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.WithdrawAsync(account, Ids.Command(), 5).ExpectProblemAsync(422, "insufficient_funds");
        await _client.DepositAsync(account, Ids.Command(), 5, "EUR").ExpectProblemAsync(422, "currency_mismatch");
        await _client.UnlockAsync(account, Ids.Command()).ExpectProblemAsync(422, "account_not_locked");
        await _client.OpenAsync(account, Ids.Command()).ExpectProblemAsync(409, "account_already_exists");
        await _client.DepositAsync(account, Ids.Command(), 5).ExpectAsync(200);

        var history = await _client.AllTransactionsAsync(account, minSequence: 2);
        Assert.Equal(new[] { "FundsDeposited", "AccountOpened" }, history.Select(t => t.GetProperty("event_type").GetString()));
    }
}

public sealed class CommandRulesTestsOnSqlite(SqliteLedgerFixture fixture)
    : CommandRulesTests(fixture), IClassFixture<SqliteLedgerFixture>;

public sealed class CommandRulesTestsOnPostgreSql(PostgreSqlLedgerFixture fixture)
    : CommandRulesTests(fixture), IClassFixture<PostgreSqlLedgerFixture>;
