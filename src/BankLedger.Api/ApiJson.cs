using System.Text.Json;
using System.Text.Json.Serialization;

namespace BankLedger.Api;

/// <summary>JSON conventions of the public API: snake_case names, nulls written out, no indentation.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
