using BankLedger.Api.Requests;
using BankLedger.Api.Tests.Support;

namespace BankLedger.Api.Tests;

/// <summary>
/// When a body has several problems, the first by the documented order wins:
/// well-formedness → duplicates → unknown fields → presence/kinds → command_type known → matches action → values.
/// </summary>
public sealed class CommandParsingCheckOrderTests
{
    private const string AllWrong = """
        { "command_id": "bad id", "command_id": "x", "command_type": "NOPE", "surprise": 1,
          "payload": { "amount_cents": "ten", "memo": 1 }, "created_at": "yesterday" }
        """;

    [Fact]
    public void Malformed_json_is_reported_before_anything_else()
    {
        Expect.Problem("deposit", AllWrong + "}", RequestProblemCodes.MalformedJson);
    }

    [Fact]
    public void A_non_object_payload_is_reported_before_duplicates()
    {
        var json = """{ "command_id": "a", "command_id": "b", "payload": [] }""";

        Expect.Problem("deposit", json, RequestProblemCodes.MalformedJson, "payload");
    }

    [Fact]
    public void Duplicates_are_reported_before_unknown_fields()
    {
        Expect.Problem("deposit", AllWrong, RequestProblemCodes.DuplicateField, "command_id");
    }

    [Fact]
    public void A_duplicate_nested_inside_an_unknown_field_is_still_reported_as_duplicate_field()
    {
        Expect.Problem("deposit", Bodies.With("deposit", "extra", """{"a":1,"a":2}"""), RequestProblemCodes.DuplicateField, "extra.a");
    }

    [Fact]
    public void Unknown_top_level_fields_are_reported_before_unknown_payload_fields_and_missing_fields()
    {
        var json = AllWrong.Replace("\"command_id\": \"x\", ", "", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.UnknownField, "surprise");
    }

    [Fact]
    public void Unknown_payload_fields_are_reported_before_missing_or_mistyped_fields()
    {
        var json = """{ "command_type": 5, "payload": { "amount_cents": "ten", "memo": 1 } }""";

        Expect.Problem("deposit", json, RequestProblemCodes.UnknownField, "payload.memo");
    }

    [Fact]
    public void Missing_and_mistyped_fields_are_reported_in_contract_order()
    {
        var json = """{ "command_type": 5, "payload": { "amount_cents": "ten" } }""";

        Expect.Problem("deposit", json, RequestProblemCodes.MissingField, "command_id");
        Expect.Problem("deposit", """{ "command_id": "c", "command_type": 5, "payload": { "amount_cents": "ten" } }""",
            RequestProblemCodes.InvalidFieldType, "command_type");
    }

    [Fact]
    public void A_mistyped_payload_field_is_reported_before_an_unknown_command_type()
    {
        var json = Bodies.With("deposit", "payload.amount_cents", "\"ten\"").Replace("DEPOSIT_FUNDS", "NOPE", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.InvalidFieldType, "payload.amount_cents");
    }

    [Fact]
    public void An_unknown_command_type_is_reported_before_invalid_values()
    {
        var json = Bodies.With("deposit", "command_id", "\"bad id\"").Replace("DEPOSIT_FUNDS", "NOPE", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.UnknownCommandType);
    }

    [Fact]
    public void A_command_type_mismatch_is_reported_before_invalid_values()
    {
        var json = Bodies.With("deposit", "payload.amount_cents", "0").Replace("DEPOSIT_FUNDS", "WITHDRAW_FUNDS", StringComparison.Ordinal);

        Expect.Problem("deposit", json, RequestProblemCodes.CommandTypeMismatch);
    }

    [Fact]
    public void Value_rules_are_reported_ids_first_then_timestamp_sequence_and_payload_values()
    {
        var json = """
            { "command_id": "bad id", "command_type": "DEPOSIT_FUNDS", "aggregate_id": "bad/id",
              "payload": { "amount_cents": 0, "currency": "usd", "reference": "a\u0001" },
              "created_at": "yesterday", "expected_sequence": -1 }
            """;

        Expect.Problem("deposit", json, RequestProblemCodes.InvalidId, "command_id");
        json = json.Replace("bad id", "ok", StringComparison.Ordinal);
        Expect.Problem("deposit", json, RequestProblemCodes.InvalidId, "aggregate_id");
        json = json.Replace("bad/id", "ok", StringComparison.Ordinal);
        Expect.Problem("deposit", json, RequestProblemCodes.InvalidTimestamp, "created_at");
        json = json.Replace("yesterday", "2026-05-23T10:00:00Z", StringComparison.Ordinal);
        Expect.Problem("deposit", json, RequestProblemCodes.InvalidSequence, "expected_sequence");
        json = json.Replace("-1", "1", StringComparison.Ordinal);
        Expect.Problem("deposit", json, RequestProblemCodes.InvalidAmount, "payload.amount_cents");
        json = json.Replace("\"amount_cents\": 0", "\"amount_cents\": 7", StringComparison.Ordinal);
        Expect.Problem("deposit", json, RequestProblemCodes.InvalidCurrency, "payload.currency");
        json = json.Replace("usd", "USD", StringComparison.Ordinal);
        Expect.Problem("deposit", json, RequestProblemCodes.InvalidText, "payload.reference");
        json = json.Replace("a\\u0001", "fine", StringComparison.Ordinal);
        Assert.True(Bodies.Parse("deposit", json).IsSuccess);
    }

    [Fact]
    public void Open_checks_currency_before_overdraft_before_owner()
    {
        var json = """
            { "command_id": "c", "command_type": "OPEN_ACCOUNT", "aggregate_id": "a",
              "payload": { "owner": "x\u0007", "overdraft_limit_cents": -1, "currency": "us" },
              "created_at": "2026-05-23T10:00:00Z" }
            """;

        Expect.Problem("open", json, RequestProblemCodes.InvalidCurrency);
        Expect.Problem("open", json.Replace("\"us\"", "\"USD\"", StringComparison.Ordinal), RequestProblemCodes.InvalidOverdraft);
        Expect.Problem("open", json.Replace("\"us\"", "\"USD\"", StringComparison.Ordinal).Replace("-1", "0", StringComparison.Ordinal), RequestProblemCodes.InvalidText);
    }

    [Fact]
    public void The_same_body_always_gives_the_same_problem()
    {
        var first = Bodies.Problem("deposit", AllWrong);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(first, Bodies.Problem("deposit", AllWrong));
        }
    }
}
