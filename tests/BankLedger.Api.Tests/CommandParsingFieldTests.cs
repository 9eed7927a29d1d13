using BankLedger.Api.Requests;
using BankLedger.Api.Tests.Support;

namespace BankLedger.Api.Tests;

/// <summary>Required fields and JSON kinds.</summary>
public sealed class CommandParsingFieldTests
{
    public static TheoryData<string, string> RequiredFields()
    {
        var data = new TheoryData<string, string>();
        foreach (var action in CommandRequestParser.Actions)
        {
            foreach (var field in new[] { "command_id", "command_type", "aggregate_id", "created_at" })
            {
                data.Add(action, field);
            }
        }
        data.Add("open", "payload");
        data.Add("open", "payload.currency");
        foreach (var action in new[] { "deposit", "withdraw" })
        {
            data.Add(action, "payload");
            data.Add(action, "payload.amount_cents");
            data.Add(action, "payload.currency");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void Each_missing_required_field_of_each_command_type_is_missing_field_named_by_its_json_path(string action, string path)
    {
        var problem = Expect.Problem(action, Bodies.Without(action, path), RequestProblemCodes.MissingField, path);

        Assert.Contains("required", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void Null_for_a_required_field_is_invalid_field_type(string action, string path)
    {
        Expect.Problem(action, Bodies.With(action, path, "null"), RequestProblemCodes.InvalidFieldType, path);
    }

    [Fact]
    public void An_empty_object_reports_the_first_required_field_missing()
    {
        Expect.Problem("deposit", "{}", RequestProblemCodes.MissingField, "command_id");
    }

    [Fact]
    public void An_empty_payload_for_a_deposit_reports_the_amount_missing()
    {
        Expect.Problem("deposit", Bodies.With("deposit", "payload", "{}"), RequestProblemCodes.MissingField, "payload.amount_cents");
    }

    [Theory]
    [InlineData("\"100\"")]
    [InlineData("\"50000\"")]
    [InlineData("10.5")]
    [InlineData("100.0")]
    [InlineData("1e3")]
    [InlineData("1E3")]
    [InlineData("1e+3")]
    [InlineData("5000e-1")]
    [InlineData("-0.0")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("100000000000000000000000000")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[100]")]
    public void An_amount_that_is_not_a_json_integer_within_long_range_is_invalid_field_type(string raw)
    {
        Expect.Problem("deposit", Bodies.With("deposit", "payload.amount_cents", raw), RequestProblemCodes.InvalidFieldType, "payload.amount_cents");
        Expect.Problem("withdraw", Bodies.With("withdraw", "payload.amount_cents", raw), RequestProblemCodes.InvalidFieldType, "payload.amount_cents");
    }

    [Theory]
    [InlineData("open", "payload.overdraft_limit_cents", "\"0\"")]
    [InlineData("open", "payload.overdraft_limit_cents", "0.5")]
    [InlineData("open", "payload.overdraft_limit_cents", "1e2")]
    [InlineData("open", "payload.overdraft_limit_cents", "99999999999999999999")]
    [InlineData("deposit", "expected_sequence", "\"3\"")]
    [InlineData("deposit", "expected_sequence", "3.0")]
    [InlineData("deposit", "expected_sequence", "3e0")]
    [InlineData("deposit", "expected_sequence", "true")]
    [InlineData("lock", "expected_sequence", "18446744073709551616")]
    public void Other_integer_fields_reject_strings_fractions_exponents_and_huge_numbers_with_invalid_field_type(string action, string path, string raw)
    {
        Expect.Problem(action, Bodies.With(action, path, raw), RequestProblemCodes.InvalidFieldType, path);
    }

    [Theory]
    [InlineData("deposit", "command_id", "123")]
    [InlineData("deposit", "command_id", "[\"cmd-1\"]")]
    [InlineData("deposit", "command_type", "1")]
    [InlineData("deposit", "command_type", "{}")]
    [InlineData("deposit", "aggregate_id", "998811")]
    [InlineData("deposit", "aggregate_id", "false")]
    [InlineData("deposit", "payload.currency", "840")]
    [InlineData("open", "payload.currency", "[\"USD\"]")]
    [InlineData("open", "payload.owner", "5")]
    [InlineData("open", "payload.owner", "{\"name\":\"Ada\"}")]
    [InlineData("withdraw", "payload.reference", "false")]
    [InlineData("lock", "payload.reason", "1")]
    [InlineData("unlock", "payload.reason", "[]")]
    public void A_non_string_for_a_string_field_is_invalid_field_type(string action, string path, string raw)
    {
        Expect.Problem(action, Bodies.With(action, path, raw), RequestProblemCodes.InvalidFieldType, path);
    }

    [Theory]
    [InlineData("open", "{\"currency\":\"USD\"}")]
    [InlineData("deposit", "{\"amount_cents\":1,\"currency\":\"USD\"}")]
    public void Optional_payload_fields_may_be_left_out(string action, string payload)
    {
        var result = Bodies.Parse(action, Bodies.With(action, "payload", payload));

        Assert.True(result.IsSuccess, result.ToString());
    }

    [Theory]
    [InlineData("-0", 0)]
    [InlineData("0", 0)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void An_integer_at_the_edges_of_the_json_integer_grammar_is_accepted(string raw, long expected)
    {
        var result = Bodies.Parse("lock", Bodies.With("lock", "expected_sequence", raw));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(expected, result.Value.ExpectedSequence);
    }
}
