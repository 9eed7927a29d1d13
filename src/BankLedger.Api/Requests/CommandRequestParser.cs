using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using BankLedger.Api.Problems;
using BankLedger.Domain;

namespace BankLedger.Api.Requests;

/// <summary>
/// Turns the body of <c>POST /v1/commands/accounts/{action}</c> into a domain <see cref="AccountCommand"/>,
/// or into the first <see cref="ApiProblem"/> found. Pure: no I/O, no clock, no ASP.NET.
/// <para>
/// Checks run in a fixed order so the reported problem is deterministic: action known (404) →
/// JSON well-formed (root and payload are objects) → no duplicate property in any object →
/// no unknown property (top level, then payload) → required fields present with the right JSON kind
/// (<c>command_id, command_type, aggregate_id, created_at, expected_sequence, payload</c>, then payload
/// fields in contract order) → <c>command_type</c> known → <c>command_type</c> matches the action →
/// value rules (ids, timestamp, sequence, then payload values in contract order).
/// </para>
/// <para>
/// A JSON <c>null</c> for an optional field means "absent"; for a required field it is
/// <c>invalid_field_type</c>. Integers must be plain JSON integers that fit in a <c>long</c>
/// (no fraction, no exponent). <c>created_at</c> that is present but not an RFC 3339 string
/// (including a non-string such as a number) is <c>invalid_timestamp</c>.
/// </para>
/// </summary>
public static class CommandRequestParser
{
    /// <summary>Longest owner / reference / reason accepted, in Unicode scalar values.</summary>
    public const int MaxTextLength = 256;

    private enum CommandKind { Open, Deposit, Withdraw, Lock, Unlock }

    private sealed record Contract(string Action, string CommandType, CommandKind Kind, bool PayloadRequired, string[] PayloadFields);

    private static readonly Contract[] Contracts =
    [
        new("open", "OPEN_ACCOUNT", CommandKind.Open, true, ["currency", "overdraft_limit_cents", "owner"]),
        new("deposit", "DEPOSIT_FUNDS", CommandKind.Deposit, true, ["amount_cents", "currency", "reference"]),
        new("withdraw", "WITHDRAW_FUNDS", CommandKind.Withdraw, true, ["amount_cents", "currency", "reference"]),
        new("lock", "LOCK_ACCOUNT", CommandKind.Lock, false, ["reason"]),
        new("unlock", "UNLOCK_ACCOUNT", CommandKind.Unlock, false, ["reason"]),
    ];

    private static readonly string[] TopLevelFields =
        ["command_id", "command_type", "aggregate_id", "payload", "created_at", "expected_sequence"];

    /// <summary>The route actions accepted, in contract order: open, deposit, withdraw, lock, unlock.</summary>
    public static IReadOnlyList<string> Actions { get; } = Array.AsReadOnly(Contracts.Select(c => c.Action).ToArray());

    /// <summary>The wire command types accepted, in the same order as <see cref="Actions"/>.</summary>
    public static IReadOnlyList<string> CommandTypes { get; } = Array.AsReadOnly(Contracts.Select(c => c.CommandType).ToArray());

    /// <summary>The wire command type an action expects (<c>deposit</c> → <c>DEPOSIT_FUNDS</c>), or null if unknown.</summary>
    public static string? CommandTypeForAction(string? action) => Find(action)?.CommandType;

    /// <summary>The 404 for a route action that is not one of the five commands.</summary>
    public static ApiProblem UnknownAction(string? action) =>
        new(404, RequestProblemCodes.UnknownAction, "Not found",
            $"{Display(action ?? "")} is not a command action; expected one of: {string.Join(", ", Actions)}");

    /// <summary>Parses and validates one command request body for the given route action.</summary>
    public static ParseResult<AccountCommand> Parse(string action, ReadOnlySpan<byte> utf8Json)
    {
        var contract = Find(action);
        if (contract is null) return UnknownAction(action);

        if (utf8Json.IsEmpty) return Malformed("the request body is empty; expected a JSON object");
        if (!Utf8.IsValid(utf8Json)) return Malformed("the request body is not valid UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException)
        {
            return Malformed("the request body is not well-formed JSON (or has content after the JSON value)");
        }

        using (document)
        {
            return Parse(contract, document.RootElement);
        }
    }

    private static ParseResult<AccountCommand> Parse(Contract contract, JsonElement root)
    {
        // 1. Well-formedness beyond the tokenizer: object root, decodable strings, object payload.
        if (root.ValueKind != JsonValueKind.Object) return Malformed($"the request body must be a JSON object, not {KindName(root.ValueKind)}");
        if (!AllStringsDecodable(root)) return Malformed("the request body contains a string that is not valid Unicode (e.g. a lone surrogate escape)");
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("payload") && property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return Malformed($"payload must be a JSON object, not {KindName(property.Value.ValueKind)}");
            }
        }

        // 2. Duplicates, anywhere.
        var duplicate = FindDuplicate(root, null);
        if (duplicate is not null) return Bad(RequestProblemCodes.DuplicateField, $"{duplicate} appears more than once");

        // 3. Unknown fields: top level, then payload.
        foreach (var property in root.EnumerateObject())
        {
            if (!TopLevelFields.Contains(property.Name, StringComparer.Ordinal))
            {
                return Bad(RequestProblemCodes.UnknownField, $"{Display(property.Name)} is not a field of a command request");
            }
        }
        if (root.TryGetProperty("payload", out var payloadProperty) && payloadProperty.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in payloadProperty.EnumerateObject())
            {
                if (!contract.PayloadFields.Contains(property.Name, StringComparer.Ordinal))
                {
                    return Bad(RequestProblemCodes.UnknownField,
                        $"payload.{Display(property.Name)} is not a payload field of {contract.CommandType}; allowed: {string.Join(", ", contract.PayloadFields)}");
                }
            }
        }

        // 4. Presence and JSON kinds.
        var r = new FieldReader();
        var commandIdText = r.String(root, null, "command_id", required: true);
        var commandType = r.String(root, null, "command_type", required: true);
        var aggregateIdText = r.String(root, null, "aggregate_id", required: true);
        var createdAtElement = r.Element(root, null, "created_at", required: true, "an RFC 3339 timestamp string");
        var expectedSequence = r.Integer(root, null, "expected_sequence", required: false);
        var payload = r.Element(root, null, "payload", contract.PayloadRequired, "an object");

        long? amount = null;
        long? overdraft = null;
        string? currencyText = null;
        string? text = null;
        string textField;
        switch (contract.Kind)
        {
            case CommandKind.Open:
                currencyText = r.String(payload, "payload", "currency", required: true);
                overdraft = r.Integer(payload, "payload", "overdraft_limit_cents", required: false);
                text = r.String(payload, "payload", textField = "owner", required: false);
                break;
            case CommandKind.Deposit:
            case CommandKind.Withdraw:
                amount = r.Integer(payload, "payload", "amount_cents", required: true);
                currencyText = r.String(payload, "payload", "currency", required: true);
                text = r.String(payload, "payload", textField = "reference", required: false);
                break;
            default:
                text = r.String(payload, "payload", textField = "reason", required: false);
                break;
        }
        if (r.Problem is not null) return r.Problem;

        // 5. command_type known, 6. and matching the route.
        if (!CommandTypes.Contains(commandType!, StringComparer.Ordinal))
        {
            return Bad(RequestProblemCodes.UnknownCommandType,
                $"command_type {Display(commandType!)} is not a known command type; expected one of: {string.Join(", ", CommandTypes)}");
        }
        if (!string.Equals(commandType, contract.CommandType, StringComparison.Ordinal))
        {
            return Bad(RequestProblemCodes.CommandTypeMismatch,
                $"command_type {commandType} does not match the '{contract.Action}' endpoint, which expects {contract.CommandType}");
        }

        // 7. Value rules.
        if (!CommandId.TryParse(commandIdText, out var commandId)) return InvalidId("command_id");
        if (!AccountId.TryParse(aggregateIdText, out var accountId)) return InvalidId("aggregate_id");
        var createdAtJson = createdAtElement!.Value;
        if (createdAtJson.ValueKind != JsonValueKind.String || !Rfc3339.TryParse(createdAtJson.GetString(), out var createdAt))
        {
            return Bad(RequestProblemCodes.InvalidTimestamp,
                "created_at must be an RFC 3339 date-time string with seconds and an offset, e.g. 2026-05-23T10:00:00.123Z");
        }
        if (expectedSequence is < 0) return Bad(RequestProblemCodes.InvalidSequence, "expected_sequence must be an integer >= 0");

        if (amount is { } cents && !MoneyRules.IsValidAmount(cents))
        {
            return Bad(RequestProblemCodes.InvalidAmount,
                $"payload.amount_cents must be between 1 and {MoneyRules.MaxAmountCents} (minor units)");
        }
        var currency = default(Currency);
        if (currencyText is not null && !Currency.TryParse(currencyText, out currency))
        {
            return Bad(RequestProblemCodes.InvalidCurrency, "payload.currency must be exactly three uppercase ASCII letters (ISO 4217), e.g. USD");
        }
        if (overdraft is { } limit && !MoneyRules.IsValidOverdraft(limit))
        {
            return Bad(RequestProblemCodes.InvalidOverdraft,
                $"payload.overdraft_limit_cents must be between 0 and {MoneyRules.MaxOverdraftCents} (minor units)");
        }
        if (text is not null && !IsValidText(text))
        {
            return Bad(RequestProblemCodes.InvalidText,
                $"payload.{textField} must be at most {MaxTextLength} characters with no control characters");
        }

        AccountCommand command = contract.Kind switch
        {
            CommandKind.Open => new OpenAccount
            {
                AccountId = accountId, CommandId = commandId, CreatedAt = createdAt, ExpectedSequence = expectedSequence,
                Currency = currency, OverdraftLimitCents = overdraft ?? 0, Owner = text,
            },
            CommandKind.Deposit => new DepositFunds
            {
                AccountId = accountId, CommandId = commandId, CreatedAt = createdAt, ExpectedSequence = expectedSequence,
                AmountCents = amount!.Value, Currency = currency, Reference = text,
            },
            CommandKind.Withdraw => new WithdrawFunds
            {
                AccountId = accountId, CommandId = commandId, CreatedAt = createdAt, ExpectedSequence = expectedSequence,
                AmountCents = amount!.Value, Currency = currency, Reference = text,
            },
            CommandKind.Lock => new LockAccount
            {
                AccountId = accountId, CommandId = commandId, CreatedAt = createdAt, ExpectedSequence = expectedSequence,
                Reason = text,
            },
            _ => new UnlockAccount
            {
                AccountId = accountId, CommandId = commandId, CreatedAt = createdAt, ExpectedSequence = expectedSequence,
                Reason = text,
            },
        };
        return ParseResult.Success(command);
    }

    /// <summary>
    /// True when <paramref name="text"/> (owner, reference, reason) has at most <see cref="MaxTextLength"/>
    /// Unicode scalar values and no control characters (category Cc, which includes tab and newline).
    /// </summary>
    public static bool IsValidText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || ++count > MaxTextLength) return false;
        }
        return true;
    }

    private static Contract? Find(string? action) =>
        Array.Find(Contracts, c => string.Equals(c.Action, action, StringComparison.Ordinal));

    private static ApiProblem Bad(string code, string detail) => ApiProblem.BadRequest(code, detail);

    private static ApiProblem Malformed(string detail) => Bad(RequestProblemCodes.MalformedJson, detail);

    private static ApiProblem InvalidId(string field) =>
        Bad(RequestProblemCodes.InvalidId, $"{field} must be 1 to {Identifier.MaxLength} characters of [A-Za-z0-9._:-]");

    private static bool AllStringsDecodable(JsonElement element)
    {
        try
        {
            return Walk(element);
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static bool Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    _ = e.GetString();
                    return true;
                case JsonValueKind.Object:
                    foreach (var property in e.EnumerateObject())
                    {
                        _ = property.Name;
                        if (!Walk(property.Value)) return false;
                    }
                    return true;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        if (!Walk(item)) return false;
                    }
                    return true;
                default:
                    return true;
            }
        }
    }

    /// <summary>The JSON path of the first repeated property (depth-first, document order), or null.</summary>
    private static string? FindDuplicate(JsonElement element, string? path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name)) return Join(path, property.Name);
                }
                foreach (var property in element.EnumerateObject())
                {
                    // Only objects and arrays can hold duplicates; no path string for the scalars of every request.
                    if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) continue;
                    var nested = FindDuplicate(property.Value, Join(path, property.Name));
                    if (nested is not null) return nested;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var nested = FindDuplicate(item, $"{path}[{index++}]");
                    if (nested is not null) return nested;
                }
                return null;
            default:
                return null;
        }
    }

    private static string Join(string? parent, string name) => parent is null ? Display(name) : $"{parent}.{Display(name)}";

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Client-supplied text made safe to quote in a human message: bounded, no control characters.</summary>
    private static string Display(string value)
    {
        const int max = 64;
        var builder = new StringBuilder(Math.Min(value.Length, max) + 1);
        foreach (var c in value.Length > max ? value.AsSpan(0, max) : value.AsSpan())
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }
        if (value.Length > max) builder.Append('…');
        return builder.ToString();
    }

    /// <summary>
    /// Reads fields in a fixed order and remembers only the first problem; after a problem every read
    /// returns null, so callers can read everything and check <see cref="Problem"/> once.
    /// </summary>
    private sealed class FieldReader
    {
        public ApiProblem? Problem { get; private set; }

        public JsonElement? Element(JsonElement? container, string? parent, string name, bool required, string expectation)
        {
            if (Problem is not null) return null;
            var path = parent is null ? name : $"{parent}.{name}";
            if (container is not { } obj || !obj.TryGetProperty(name, out var value))
            {
                if (required) Fail(RequestProblemCodes.MissingField, $"{path} is required");
                return null;
            }
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (required) Fail(RequestProblemCodes.InvalidFieldType, $"{path} must be {expectation}, not null");
                return null;
            }
            return value;
        }

        public string? String(JsonElement? container, string? parent, string name, bool required)
        {
            if (Element(container, parent, name, required, "a string") is not { } value) return null;
            if (value.ValueKind != JsonValueKind.String)
            {
                Fail(RequestProblemCodes.InvalidFieldType, $"{Path(parent, name)} must be a string, not {KindName(value.ValueKind)}");
                return null;
            }
            return value.GetString();
        }

        public long? Integer(JsonElement? container, string? parent, string name, bool required)
        {
            if (Element(container, parent, name, required, "an integer") is not { } value) return null;
            if (value.ValueKind != JsonValueKind.Number)
            {
                Fail(RequestProblemCodes.InvalidFieldType, $"{Path(parent, name)} must be an integer, not {KindName(value.ValueKind)}");
                return null;
            }
            var raw = value.GetRawText();
            if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
            {
                Fail(RequestProblemCodes.InvalidFieldType, $"{Path(parent, name)} must be an integer without a fraction or exponent");
                return null;
            }
            if (!value.TryGetInt64(out var result))
            {
                Fail(RequestProblemCodes.InvalidFieldType, $"{Path(parent, name)} must be an integer within the signed 64-bit range");
                return null;
            }
            return result;
        }

        private static string Path(string? parent, string name) => parent is null ? name : $"{parent}.{name}";

        private void Fail(string code, string detail) => Problem ??= ApiProblem.BadRequest(code, detail);
    }
}
