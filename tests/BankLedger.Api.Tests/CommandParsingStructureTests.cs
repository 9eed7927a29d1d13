using System.Text;
using BankLedger.Api.Requests;
using BankLedger.Api.Tests.Support;

namespace BankLedger.Api.Tests;

/// <summary>Unknown actions, malformed JSON, duplicate and unknown fields.</summary>
public sealed class CommandParsingStructureTests
{
    [Theory]
    [InlineData("close")]
    [InlineData("transfer")]
    [InlineData("Deposit")]
    [InlineData("DEPOSIT_FUNDS")]
    [InlineData("deposit ")]
    [InlineData("")]
    public void An_action_that_is_not_open_deposit_withdraw_lock_or_unlock_is_a_404_unknown_action(string action)
    {
        var problem = Bodies.Problem(action, Bodies.ValidJson("deposit"));

        Assert.Equal(RequestProblemCodes.UnknownAction, problem.Code);
        Assert.Equal(404, problem.Status);
        Assert.Contains("open, deposit, withdraw, lock, unlock", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_action_is_reported_even_when_the_body_is_garbage()
    {
        var problem = Bodies.Problem("close", "not json");

        Assert.Equal(RequestProblemCodes.UnknownAction, problem.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("not json")]
    [InlineData("{command_id: \"c1\"}")]
    [InlineData("{'command_id': 'c1'}")]
    [InlineData("{\"command_id\": \"c1\",}")]
    [InlineData("{\"command_id\" \"c1\"}")]
    [InlineData("{\"a\": \"unterminated}")]
    [InlineData("{\"a\": \"bad escape \\x\"}")]
    [InlineData("// comment\n{}")]
    [InlineData("{} /* comment */")]
    [InlineData("{\"a\": NaN}")]
    [InlineData("{\"a\": 01}")]
    public void A_body_that_is_not_parseable_json_is_malformed_json(string body)
    {
        foreach (var action in CommandRequestParser.Actions)
        {
            Expect.Problem(action, body, RequestProblemCodes.MalformedJson);
        }
    }

    [Fact]
    public void An_empty_body_is_malformed_json()
    {
        var result = CommandRequestParser.Parse("deposit", ReadOnlySpan<byte>.Empty);

        var problem = Bodies.Problem(result);
        Assert.Equal(RequestProblemCodes.MalformedJson, problem.Code);
        Assert.Contains("empty", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{}]")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    public void A_root_that_is_not_a_json_object_is_malformed_json(string body)
    {
        Expect.Problem("deposit", body, RequestProblemCodes.MalformedJson);
        Expect.Problem("lock", body, RequestProblemCodes.MalformedJson);
    }

    [Theory]
    [InlineData(" x")]
    [InlineData(" {}")]
    [InlineData(" []")]
    [InlineData(",")]
    [InlineData(" 1")]
    [InlineData("}")]
    public void Content_after_the_json_object_is_malformed_json(string trailing)
    {
        Expect.Problem("deposit", Bodies.ValidJson("deposit") + trailing, RequestProblemCodes.MalformedJson);
    }

    [Theory]
    [InlineData("deposit", "[]")]
    [InlineData("deposit", "[{\"amount_cents\": 1}]")]
    [InlineData("deposit", "\"{}\"")]
    [InlineData("open", "42")]
    [InlineData("lock", "[]")]
    [InlineData("unlock", "\"cleared\"")]
    [InlineData("unlock", "false")]
    public void A_payload_that_is_not_a_json_object_is_malformed_json(string action, string payload)
    {
        Expect.Problem(action, Bodies.With(action, "payload", payload), RequestProblemCodes.MalformedJson, "payload");
    }

    [Fact]
    public void A_body_that_is_not_valid_utf8_is_malformed_json()
    {
        var bytes = Encoding.UTF8.GetBytes(Bodies.With("deposit", "payload.reference", "\"XX\"")).ToList();
        var at = bytes.IndexOf((byte)'X');
        bytes[at] = 0xC3; // a lead byte followed by 'X' is an invalid sequence
        var result = CommandRequestParser.Parse("deposit", bytes.ToArray());

        Assert.Equal(RequestProblemCodes.MalformedJson, Bodies.Problem(result).Code);
    }

    [Fact]
    public void A_leading_utf8_byte_order_mark_is_malformed_json()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Bodies.ValidJson("deposit"))).ToArray();

        Assert.Equal(RequestProblemCodes.MalformedJson, Bodies.Problem(CommandRequestParser.Parse("deposit", bytes)).Code);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"abc\\udc00\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    public void A_string_escape_that_is_a_lone_surrogate_is_malformed_json(string raw)
    {
        var json = Bodies.ValidJson("deposit").Replace("\"Payroll deposit\"", raw, StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.MalformedJson);
    }

    [Fact]
    public void A_duplicate_top_level_field_is_duplicate_field()
    {
        var json = Bodies.ValidJson("deposit").Replace("\"aggregate_id\": \"acc-998811\",",
            "\"aggregate_id\": \"acc-998811\", \"aggregate_id\": \"acc-998811\",", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.DuplicateField, "aggregate_id");
    }

    [Fact]
    public void A_duplicate_payload_field_is_duplicate_field_named_by_its_json_path()
    {
        var json = Bodies.ValidJson("deposit").Replace("\"amount_cents\": 50000,",
            "\"amount_cents\": 50000, \"amount_cents\": 60000,", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.DuplicateField, "payload.amount_cents");
    }

    [Fact]
    public void A_duplicate_payload_object_is_duplicate_field()
    {
        var json = Bodies.ValidJson("lock").Replace("\"payload\":", "\"payload\": {}, \"payload\":", StringComparison.Ordinal);

        Expect.Problem("lock", json, RequestProblemCodes.DuplicateField, "payload");
    }

    [Fact]
    public void A_duplicate_spelled_with_an_escape_is_still_a_duplicate()
    {
        var json = Bodies.ValidJson("deposit").Replace("\"currency\": \"USD\"",
            "\"currency\": \"USD\", \"curr\\u0065ncy\": \"USD\"", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.DuplicateField, "payload.currency");
    }

    [Fact]
    public void Property_names_differing_only_in_case_are_not_duplicates_but_the_other_one_is_unknown()
    {
        var json = Bodies.ValidJson("deposit").Replace("\"currency\": \"USD\"",
            "\"currency\": \"USD\", \"Currency\": \"USD\"", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.UnknownField, "payload.Currency");
    }

    [Theory]
    [InlineData("deposit", "account_id")]
    [InlineData("deposit", "Command_id")]
    [InlineData("deposit", "sequence")]
    [InlineData("open", "owner")]
    [InlineData("lock", "reason")]
    [InlineData("unlock", "")]
    public void A_top_level_field_outside_the_contract_is_unknown_field(string action, string name)
    {
        var problem = Expect.Problem(action, Bodies.With(action, name, "1"), RequestProblemCodes.UnknownField);

        if (name.Length > 0) Assert.Contains(name, problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deposit", "payload.amount")]
    [InlineData("deposit", "payload.owner")]
    [InlineData("withdraw", "payload.reason")]
    [InlineData("open", "payload.amount_cents")]
    [InlineData("open", "payload.reference")]
    [InlineData("lock", "payload.owner")]
    [InlineData("unlock", "payload.currency")]
    public void A_payload_field_outside_the_actions_contract_is_unknown_field_named_by_its_json_path(string action, string path)
    {
        Expect.Problem(action, Bodies.With(action, path, "\"x\""), RequestProblemCodes.UnknownField, path);
    }

    [Fact]
    public void An_unknown_field_is_reported_even_when_its_value_is_null()
    {
        Expect.Problem("deposit", Bodies.With("deposit", "payload.memo", "null"), RequestProblemCodes.UnknownField, "payload.memo");
    }

    [Fact]
    public void An_unknown_field_name_with_control_characters_is_quoted_safely()
    {
        var json = Bodies.ValidJson("deposit").Replace("{ \"command_id\"", "{ \"bad\\u0001name\": 1, \"command_id\"", StringComparison.Ordinal);

        var problem = Expect.Problem("deposit", json, RequestProblemCodes.UnknownField);

        Assert.DoesNotContain('\u0001', problem.Detail);
    }
}
