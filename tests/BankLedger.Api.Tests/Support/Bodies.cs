using System.Text;
using System.Text.Json.Nodes;
using BankLedger.Api.Problems;
using BankLedger.Api.Requests;
using BankLedger.Domain;

namespace BankLedger.Api.Tests.Support;

/// <summary>
/// Valid request bodies per action, and edits of them: <c>With("payload.amount_cents", "10.5")</c> sets a
/// raw JSON value at a dotted path, <c>Without("payload.currency")</c> removes a property.
/// </summary>
internal static class Bodies
{
    public const string CreatedAt = "2026-05-23T10:00:00.123Z";

    public static readonly DateTimeOffset CreatedAtValue = new DateTimeOffset(2026, 5, 23, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(123);

    public static string ValidJson(string action) => action switch
    {
        "open" => """
            { "command_id": "cmd-880099-open", "command_type": "OPEN_ACCOUNT", "aggregate_id": "acc-998811",
              "payload": { "currency": "USD", "overdraft_limit_cents": 10000, "owner": "Ada Lovelace" },
              "created_at": "2026-05-23T10:00:00.123Z", "expected_sequence": 0 }
            """,
        "deposit" => """
            { "command_id": "cmd-880099-deposit", "command_type": "DEPOSIT_FUNDS", "aggregate_id": "acc-998811",
              "payload": { "amount_cents": 50000, "currency": "USD", "reference": "Payroll deposit" },
              "created_at": "2026-05-23T10:00:00.123Z", "expected_sequence": 3 }
            """,
        "withdraw" => """
            { "command_id": "cmd-880099-withdraw", "command_type": "WITHDRAW_FUNDS", "aggregate_id": "acc-998811",
              "payload": { "amount_cents": 2500, "currency": "EUR", "reference": "ATM" },
              "created_at": "2026-05-23T10:00:00.123Z", "expected_sequence": 4 }
            """,
        "lock" => """
            { "command_id": "cmd-880099-lock", "command_type": "LOCK_ACCOUNT", "aggregate_id": "acc-998811",
              "payload": { "reason": "suspicious activity" },
              "created_at": "2026-05-23T10:00:00.123Z", "expected_sequence": 5 }
            """,
        "unlock" => """
            { "command_id": "cmd-880099-unlock", "command_type": "UNLOCK_ACCOUNT", "aggregate_id": "acc-998811",
              "payload": { "reason": "cleared" },
              "created_at": "2026-05-23T10:00:00.123Z", "expected_sequence": 6 }
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no valid body for this action"),
    };

    /// <summary>The valid body for <paramref name="action"/> with <paramref name="path"/> set to the raw JSON <paramref name="rawJson"/>.</summary>
    public static string With(string action, string path, string rawJson)
    {
        var root = JsonNode.Parse(ValidJson(action))!.AsObject();
        var (parent, name) = Navigate(root, path);
        parent[name] = JsonNode.Parse(rawJson);
        return root.ToJsonString();
    }

    /// <summary>The valid body for <paramref name="action"/> with the property at <paramref name="path"/> removed.</summary>
    public static string Without(string action, string path)
    {
        var root = JsonNode.Parse(ValidJson(action))!.AsObject();
        var (parent, name) = Navigate(root, path);
        Assert.True(parent.Remove(name), $"the valid {action} body has no {path}");
        return root.ToJsonString();
    }

    /// <summary>A JSON string literal for <paramref name="value"/> (escaped as needed).</summary>
    public static string Str(string value) => JsonValue.Create(value).ToJsonString();

    public static ParseResult<AccountCommand> Parse(string action, string json) =>
        CommandRequestParser.Parse(action, Encoding.UTF8.GetBytes(json));

    public static T ParseOk<T>(string action, string json) where T : AccountCommand
    {
        var result = Parse(action, json);
        Assert.True(result.IsSuccess, $"expected success but got {result}");
        return Assert.IsType<T>(result.Value);
    }

    public static ApiProblem Problem(string action, string json) => Problem(Parse(action, json));

    public static ApiProblem Problem<T>(ParseResult<T> result)
    {
        Assert.False(result.IsSuccess, $"expected a problem but got {result}");
        return result.Problem;
    }

    private static (JsonObject Parent, string Name) Navigate(JsonObject root, string path)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            node = node[segment]!.AsObject();
        }
        return (node, segments[^1]);
    }
}
