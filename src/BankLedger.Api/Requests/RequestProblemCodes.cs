namespace BankLedger.Api.Requests;

/// <summary>
/// Stable, machine-readable problem codes produced while parsing requests. Clients branch on these;
/// never rename one.
/// </summary>
public static class RequestProblemCodes
{
    // Command bodies (POST /v1/commands/accounts/{action}).
    public const string UnknownAction = "unknown_action";
    public const string MalformedJson = "malformed_json";
    public const string DuplicateField = "duplicate_field";
    public const string MissingField = "missing_field";
    public const string InvalidFieldType = "invalid_field_type";
    public const string UnknownField = "unknown_field";
    public const string UnknownCommandType = "unknown_command_type";
    public const string CommandTypeMismatch = "command_type_mismatch";
    public const string InvalidId = "invalid_id";
    public const string InvalidAmount = "invalid_amount";
    public const string InvalidCurrency = "invalid_currency";
    public const string InvalidOverdraft = "invalid_overdraft";
    public const string InvalidTimestamp = "invalid_timestamp";
    public const string InvalidSequence = "invalid_sequence";
    public const string InvalidText = "invalid_text";

    // Query strings and headers.
    public const string InvalidLimit = "invalid_limit";
    public const string InvalidMinSequence = "invalid_min_sequence";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidConsistencyToken = "invalid_consistency_token";
}
