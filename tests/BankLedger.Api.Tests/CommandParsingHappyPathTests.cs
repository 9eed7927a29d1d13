using BankLedger.Api.Requests;
using BankLedger.Api.Tests.Support;
using BankLedger.Domain;

namespace BankLedger.Api.Tests;

public sealed class CommandParsingHappyPathTests
{
    [Fact]
    public void An_open_request_maps_every_field_onto_OpenAccount()
    {
        var command = Bodies.ParseOk<OpenAccount>("open", Bodies.ValidJson("open"));

        Assert.Equal(AccountId.Parse("acc-998811"), command.AccountId);
        Assert.Equal(CommandId.Parse("cmd-880099-open"), command.CommandId);
        Assert.Equal(Bodies.CreatedAtValue, command.CreatedAt);
        Assert.Equal(0L, command.ExpectedSequence);
        Assert.Equal(Currency.Parse("USD"), command.Currency);
        Assert.Equal(10000L, command.OverdraftLimitCents);
        Assert.Equal("Ada Lovelace", command.Owner);
        Assert.Equal("OPEN_ACCOUNT", command.CommandType);
    }

    [Fact]
    public void An_open_request_without_optional_fields_defaults_overdraft_to_zero_and_owner_and_sequence_to_null()
    {
        var json = """
            { "command_id": "c1", "command_type": "OPEN_ACCOUNT", "aggregate_id": "a1",
              "payload": { "currency": "EUR" }, "created_at": "2026-05-23T10:00:00Z" }
            """;

        var command = Bodies.ParseOk<OpenAccount>("open", json);

        Assert.Equal(0L, command.OverdraftLimitCents);
        Assert.Null(command.Owner);
        Assert.Null(command.ExpectedSequence);
        Assert.Equal(Currency.Parse("EUR"), command.Currency);
    }

    [Fact]
    public void A_deposit_request_maps_every_field_onto_DepositFunds()
    {
        var command = Bodies.ParseOk<DepositFunds>("deposit", Bodies.ValidJson("deposit"));

        Assert.Equal(AccountId.Parse("acc-998811"), command.AccountId);
        Assert.Equal(CommandId.Parse("cmd-880099-deposit"), command.CommandId);
        Assert.Equal(Bodies.CreatedAtValue, command.CreatedAt);
        Assert.Equal(3L, command.ExpectedSequence);
        Assert.Equal(50000L, command.AmountCents);
        Assert.Equal(Currency.Parse("USD"), command.Currency);
        Assert.Equal("Payroll deposit", command.Reference);
    }

    [Fact]
    public void A_withdraw_request_maps_every_field_onto_WithdrawFunds()
    {
        var command = Bodies.ParseOk<WithdrawFunds>("withdraw", Bodies.ValidJson("withdraw"));

        Assert.Equal(AccountId.Parse("acc-998811"), command.AccountId);
        Assert.Equal(CommandId.Parse("cmd-880099-withdraw"), command.CommandId);
        Assert.Equal(Bodies.CreatedAtValue, command.CreatedAt);
        Assert.Equal(4L, command.ExpectedSequence);
        Assert.Equal(2500L, command.AmountCents);
        Assert.Equal(Currency.Parse("EUR"), command.Currency);
        Assert.Equal("ATM", command.Reference);
    }

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void A_deposit_or_withdraw_without_reference_has_a_null_reference(string action)
    {
        var result = Bodies.Parse(action, Bodies.Without(action, "payload.reference"));

        Assert.True(result.IsSuccess, result.ToString());
        var reference = result.Value switch
        {
            DepositFunds d => d.Reference,
            WithdrawFunds w => w.Reference,
            _ => throw new InvalidOperationException("unexpected command"),
        };
        Assert.Null(reference);
    }

    [Fact]
    public void A_lock_request_maps_every_field_onto_LockAccount()
    {
        var command = Bodies.ParseOk<LockAccount>("lock", Bodies.ValidJson("lock"));

        Assert.Equal(AccountId.Parse("acc-998811"), command.AccountId);
        Assert.Equal(CommandId.Parse("cmd-880099-lock"), command.CommandId);
        Assert.Equal(Bodies.CreatedAtValue, command.CreatedAt);
        Assert.Equal(5L, command.ExpectedSequence);
        Assert.Equal("suspicious activity", command.Reason);
    }

    [Fact]
    public void An_unlock_request_maps_every_field_onto_UnlockAccount()
    {
        var command = Bodies.ParseOk<UnlockAccount>("unlock", Bodies.ValidJson("unlock"));

        Assert.Equal(AccountId.Parse("acc-998811"), command.AccountId);
        Assert.Equal(CommandId.Parse("cmd-880099-unlock"), command.CommandId);
        Assert.Equal(Bodies.CreatedAtValue, command.CreatedAt);
        Assert.Equal(6L, command.ExpectedSequence);
        Assert.Equal("cleared", command.Reason);
    }

    [Theory]
    [InlineData("lock", "{}")]
    [InlineData("unlock", "{}")]
    [InlineData("lock", "null")]
    [InlineData("unlock", "null")]
    [InlineData("lock", "{\"reason\":null}")]
    public void Lock_and_unlock_accept_an_empty_or_null_payload_and_leave_the_reason_null(string action, string payload)
    {
        var result = Bodies.Parse(action, Bodies.With(action, "payload", payload));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Null(result.Value is LockAccount l ? l.Reason : ((UnlockAccount)result.Value).Reason);
    }

    [Theory]
    [InlineData("lock")]
    [InlineData("unlock")]
    public void Lock_and_unlock_accept_a_missing_payload(string action)
    {
        var result = Bodies.Parse(action, Bodies.Without(action, "payload"));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(action == "lock" ? "LOCK_ACCOUNT" : "UNLOCK_ACCOUNT", result.Value.CommandType);
    }

    [Theory]
    [InlineData("open", "expected_sequence")]
    [InlineData("deposit", "expected_sequence")]
    [InlineData("open", "payload.overdraft_limit_cents")]
    [InlineData("open", "payload.owner")]
    [InlineData("deposit", "payload.reference")]
    [InlineData("withdraw", "payload.reference")]
    [InlineData("unlock", "payload.reason")]
    public void Null_for_an_optional_field_means_the_field_is_absent(string action, string path)
    {
        var withNull = Bodies.Parse(action, Bodies.With(action, path, "null"));
        var without = Bodies.Parse(action, Bodies.Without(action, path));

        Assert.True(withNull.IsSuccess, withNull.ToString());
        Assert.Equal(without.Value, withNull.Value);
    }

    [Fact]
    public void Field_order_and_whitespace_do_not_matter()
    {
        var json = "\n\t{\"created_at\":\"2026-05-23T10:00:00.123Z\",\"payload\":{\"currency\":\"USD\",\"reference\":\"Payroll deposit\",\"amount_cents\":50000},"
            + "\"aggregate_id\":\"acc-998811\",\"expected_sequence\":3,\"command_type\":\"DEPOSIT_FUNDS\",\"command_id\":\"cmd-880099-deposit\"}  \r\n";

        var reordered = Bodies.ParseOk<DepositFunds>("deposit", json);
        var canonical = Bodies.ParseOk<DepositFunds>("deposit", Bodies.ValidJson("deposit"));

        Assert.Equal(canonical, reordered);
        Assert.Equal(canonical.Fingerprint, reordered.Fingerprint);
    }

    [Fact]
    public void Escaped_characters_in_strings_are_decoded()
    {
        var command = Bodies.ParseOk<DepositFunds>("deposit",
            Bodies.With("deposit", "payload.reference", "\"Caf\\u00e9 \\\"bill\\\" \\ud83d\\ude00\""));

        Assert.Equal("Café \"bill\" 😀", command.Reference);
    }

    [Fact]
    public void The_client_offset_of_created_at_is_kept()
    {
        var command = Bodies.ParseOk<LockAccount>("lock", Bodies.With("lock", "created_at", "\"2026-05-23T12:30:00+02:00\""));

        Assert.Equal(TimeSpan.FromHours(2), command.CreatedAt.Offset);
        Assert.Equal(new DateTimeOffset(2026, 5, 23, 10, 30, 0, TimeSpan.Zero), command.CreatedAt.ToUniversalTime());
    }

    [Fact]
    public void The_action_table_lists_the_five_actions_and_their_command_types()
    {
        Assert.Equal(["open", "deposit", "withdraw", "lock", "unlock"], CommandRequestParser.Actions);
        Assert.Equal(["OPEN_ACCOUNT", "DEPOSIT_FUNDS", "WITHDRAW_FUNDS", "LOCK_ACCOUNT", "UNLOCK_ACCOUNT"], CommandRequestParser.CommandTypes);
        Assert.Equal("WITHDRAW_FUNDS", CommandRequestParser.CommandTypeForAction("withdraw"));
        Assert.Null(CommandRequestParser.CommandTypeForAction("transfer"));
    }
}
