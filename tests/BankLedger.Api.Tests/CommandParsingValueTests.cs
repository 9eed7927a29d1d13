using BankLedger.Api.Requests;
using BankLedger.Api.Tests.Support;
using BankLedger.Domain;

namespace BankLedger.Api.Tests;

/// <summary>command_type rules and value rules.</summary>
public sealed class CommandParsingValueTests
{
    [Theory]
    [InlineData("deposit", "TRANSFER_FUNDS")]
    [InlineData("deposit", "deposit_funds")]
    [InlineData("deposit", "Deposit_Funds")]
    [InlineData("deposit", "DEPOSIT_FUNDS ")]
    [InlineData("open", "")]
    [InlineData("lock", "CLOSE_ACCOUNT")]
    public void A_command_type_that_is_not_one_of_the_five_is_unknown_command_type(string action, string commandType)
    {
        Expect.Problem(action, Bodies.With(action, "command_type", Bodies.Str(commandType)), RequestProblemCodes.UnknownCommandType, "command_type");
    }

    [Theory]
    [InlineData("deposit", "WITHDRAW_FUNDS")]
    [InlineData("withdraw", "DEPOSIT_FUNDS")]
    [InlineData("open", "DEPOSIT_FUNDS")]
    [InlineData("lock", "UNLOCK_ACCOUNT")]
    [InlineData("unlock", "LOCK_ACCOUNT")]
    [InlineData("lock", "OPEN_ACCOUNT")]
    public void A_known_command_type_for_another_action_is_command_type_mismatch(string action, string commandType)
    {
        var problem = Expect.Problem(action, Bodies.With(action, "command_type", Bodies.Str(commandType)), RequestProblemCodes.CommandTypeMismatch, "command_type");

        Assert.Contains(CommandRequestParser.CommandTypeForAction(action)!, problem.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> InvalidIds() =>
    [
        "",
        new string('a', 65),
        "acc 1",
        " acc-1",
        "acc/1",
        "acc\\1",
        "acc#1",
        "acc|1",
        "äcc-1",
        "acc-😀",
        "acc\n1",
        "acc\u00001",
    ];

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void A_command_id_that_is_empty_too_long_or_has_characters_outside_the_id_alphabet_is_invalid_id(string id)
    {
        Expect.Problem("deposit", Bodies.With("deposit", "command_id", Bodies.Str(id)), RequestProblemCodes.InvalidId, "command_id");
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void An_aggregate_id_that_is_empty_too_long_or_has_characters_outside_the_id_alphabet_is_invalid_id(string id)
    {
        Expect.Problem("open", Bodies.With("open", "aggregate_id", Bodies.Str(id)), RequestProblemCodes.InvalidId, "aggregate_id");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A.b_c:d-9")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Ids_of_one_to_sixty_four_allowed_characters_are_accepted(string id)
    {
        var command = Bodies.ParseOk<LockAccount>("lock", Bodies.With("lock", "aggregate_id", Bodies.Str(id)));
        Assert.Equal(id, command.AccountId.Value);

        var again = Bodies.ParseOk<LockAccount>("lock", Bodies.With("lock", "command_id", Bodies.Str(id)));
        Assert.Equal(id, again.CommandId.Value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-50000")]
    [InlineData("1000000000001")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    public void An_amount_outside_one_to_one_trillion_cents_is_invalid_amount(string raw)
    {
        Expect.Problem("deposit", Bodies.With("deposit", "payload.amount_cents", raw), RequestProblemCodes.InvalidAmount, "payload.amount_cents");
        Expect.Problem("withdraw", Bodies.With("withdraw", "payload.amount_cents", raw), RequestProblemCodes.InvalidAmount, "payload.amount_cents");
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(MoneyRules.MaxAmountCents)]
    public void An_amount_of_one_cent_or_exactly_one_trillion_cents_is_accepted(long cents)
    {
        var raw = cents.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(cents, Bodies.ParseOk<DepositFunds>("deposit", Bodies.With("deposit", "payload.amount_cents", raw)).AmountCents);
        Assert.Equal(cents, Bodies.ParseOk<WithdrawFunds>("withdraw", Bodies.With("withdraw", "payload.amount_cents", raw)).AmountCents);
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("Usd")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData("")]
    [InlineData("840")]
    [InlineData("U5D")]
    [InlineData(" USD")]
    [InlineData("ÜSD")]
    public void A_currency_that_is_not_three_uppercase_ascii_letters_is_invalid_currency(string currency)
    {
        foreach (var action in new[] { "open", "deposit", "withdraw" })
        {
            Expect.Problem(action, Bodies.With(action, "payload.currency", Bodies.Str(currency)), RequestProblemCodes.InvalidCurrency, "payload.currency");
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-9223372036854775808")]
    [InlineData("1000000000001")]
    public void An_overdraft_outside_zero_to_the_maximum_is_invalid_overdraft(string raw)
    {
        Expect.Problem("open", Bodies.With("open", "payload.overdraft_limit_cents", raw), RequestProblemCodes.InvalidOverdraft, "payload.overdraft_limit_cents");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(MoneyRules.MaxOverdraftCents)]
    public void An_overdraft_of_zero_or_exactly_the_maximum_is_accepted(long cents)
    {
        var raw = cents.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(cents, Bodies.ParseOk<OpenAccount>("open", Bodies.With("open", "payload.overdraft_limit_cents", raw)).OverdraftLimitCents);
    }

    [Theory]
    [InlineData("\"2026-05-23\"")]
    [InlineData("\"2026-05-23T10:00:00\"")]
    [InlineData("\"2026-05-23T10:00:00.123\"")]
    [InlineData("\"2026-05-23T10:00Z\"")]
    [InlineData("\"2026-05-23 10:00:00Z\"")]
    [InlineData("\"10:00:00Z\"")]
    [InlineData("\"garbage\"")]
    [InlineData("\"\"")]
    [InlineData("\"2026-05-23T10:00:00.Z\"")]
    [InlineData("\"2026-05-23T10:00:00+0200\"")]
    [InlineData("\"2026-05-23T10:00:00+02\"")]
    [InlineData("\"2026-05-23T10:00:00 Z\"")]
    [InlineData("\"2026-05-23T10:00:00ZZ\"")]
    [InlineData("\"2026-13-01T10:00:00Z\"")]
    [InlineData("\"2026-02-29T10:00:00Z\"")]
    [InlineData("\"2026-05-23T24:00:00Z\"")]
    [InlineData("\"2026-05-23T10:60:00Z\"")]
    [InlineData("\"2026-05-23T10:00:60Z\"")]
    [InlineData("\"2026-05-23T10:00:00+15:00\"")]
    [InlineData("\"Sat, 23 May 2026 10:00:00 GMT\"")]
    [InlineData("\"٢٠٢٦-05-23T10:00:00Z\"")]
    [InlineData("1779530400")]
    [InlineData("1779530400000")]
    [InlineData("true")]
    [InlineData("{}")]
    public void A_created_at_that_is_not_an_rfc3339_date_time_string_is_invalid_timestamp(string raw)
    {
        Expect.Problem("deposit", Bodies.With("deposit", "created_at", raw), RequestProblemCodes.InvalidTimestamp, "created_at");
    }

    [Theory]
    [InlineData("2026-05-23T10:00:00Z", "2026-05-23T10:00:00.0000000+00:00")]
    [InlineData("2026-05-23t10:00:00z", "2026-05-23T10:00:00.0000000+00:00")]
    [InlineData("2026-05-23T10:00:00.5Z", "2026-05-23T10:00:00.5000000+00:00")]
    [InlineData("2026-05-23T10:00:00.123456789Z", "2026-05-23T10:00:00.1234567+00:00")]
    [InlineData("2026-05-23T12:00:00+02:00", "2026-05-23T12:00:00.0000000+02:00")]
    [InlineData("2026-05-23T04:30:00-05:30", "2026-05-23T04:30:00.0000000-05:30")]
    [InlineData("2024-02-29T23:59:59-00:00", "2024-02-29T23:59:59.0000000+00:00")]
    public void A_created_at_in_rfc3339_is_accepted_with_its_offset(string text, string expectedRoundTrip)
    {
        var command = Bodies.ParseOk<LockAccount>("lock", Bodies.With("lock", "created_at", Bodies.Str(text)));

        Assert.Equal(expectedRoundTrip, command.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-9223372036854775808")]
    public void A_negative_expected_sequence_is_invalid_sequence(string raw)
    {
        Expect.Problem("withdraw", Bodies.With("withdraw", "expected_sequence", raw), RequestProblemCodes.InvalidSequence, "expected_sequence");
    }

    public static TheoryData<string, string, string> BadTexts()
    {
        var data = new TheoryData<string, string, string>();
        var fields = new[] { ("open", "payload.owner"), ("deposit", "payload.reference"), ("withdraw", "payload.reference"), ("lock", "payload.reason"), ("unlock", "payload.reason") };
        foreach (var (action, path) in fields)
        {
            data.Add(action, path, new string('x', 257));
            data.Add(action, path, "bad\u0001text");
            data.Add(action, path, "line\nbreak");
            data.Add(action, path, "tab\there");
            data.Add(action, path, "nul\u0000");
            data.Add(action, path, "del\u007f");
            data.Add(action, path, "c1\u0085");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadTexts))]
    public void A_text_longer_than_256_characters_or_with_a_control_character_is_invalid_text(string action, string path, string text)
    {
        Expect.Problem(action, Bodies.With(action, path, Bodies.Str(text)), RequestProblemCodes.InvalidText, path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ünïcödé owner, ok")]
    public void Short_printable_unicode_texts_are_accepted(string text)
    {
        Assert.Equal(text, Bodies.ParseOk<OpenAccount>("open", Bodies.With("open", "payload.owner", Bodies.Str(text))).Owner);
    }

    [Fact]
    public void A_text_of_exactly_256_characters_is_accepted()
    {
        var text = new string('x', 256);

        Assert.Equal(text, Bodies.ParseOk<DepositFunds>("deposit", Bodies.With("deposit", "payload.reference", Bodies.Str(text))).Reference);
    }

    [Fact]
    public void Text_length_counts_unicode_characters_not_utf16_code_units()
    {
        var emoji256 = string.Concat(Enumerable.Repeat("😀", 256));
        var emoji257 = emoji256 + "😀";

        Assert.Equal(emoji256, Bodies.ParseOk<LockAccount>("lock", Bodies.With("lock", "payload.reason", Bodies.Str(emoji256))).Reason);
        Expect.Problem("lock", Bodies.With("lock", "payload.reason", Bodies.Str(emoji257)), RequestProblemCodes.InvalidText, "payload.reason");
    }
}
