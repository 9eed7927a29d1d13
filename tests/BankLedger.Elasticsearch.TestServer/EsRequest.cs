using System.Globalization;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>A decoded HTTP request as the REST handlers see it.</summary>
internal sealed class EsRequest
{
    public required string Method { get; init; }

    /// <summary>The request path as sent (percent-encoded), for messages.</summary>
    public required string RawPath { get; init; }

    public required IReadOnlyList<string> Segments { get; init; }

    public required IReadOnlyDictionary<string, string> Params { get; init; }

    public byte[] Body { get; init; } = [];

    public string? ContentType { get; init; }

    /// <summary>The REST API compatibility version asked for with the vendor media type (8 or 9), if any.</summary>
    public int? CompatibleWith { get; init; }

    public bool HasBody => Body.Length > 0;

    /// <summary>Warnings to return as <c>Warning</c> headers (deprecations).</summary>
    public List<string> Warnings { get; } = [];

    public string? Param(string name) => Params.TryGetValue(name, out var v) ? v : null;

    public bool HasParam(string name) => Params.ContainsKey(name);

    /// <summary>RestRequest.paramAsBoolean: an empty value means true.</summary>
    public bool Flag(string name, bool defaultValue)
    {
        var v = Param(name);
        if (v is null)
        {
            return defaultValue;
        }

        if (v.Length == 0)
        {
            return true;
        }

        return v switch
        {
            "true" => true,
            "false" => false,
            _ => throw EsException.IllegalArgument($"Failed to parse value [{v}] as only [true] or [false] are allowed."),
        };
    }

    public int Int(string name, int defaultValue)
    {
        var v = Param(name);
        if (v is null)
        {
            return defaultValue;
        }

        if (int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            return i;
        }

        throw EsException.IllegalArgument($"Failed to parse int parameter [{name}] with value [{v}]");
    }

    public long? Long(string name)
    {
        var v = Param(name);
        if (v is null)
        {
            return null;
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        throw EsException.IllegalArgument($"Failed to parse long parameter [{name}] with value [{v}]");
    }

    /// <summary>The JSON body (or the <c>source</c> parameter); null when there is none.</summary>
    public JsonNode? Json()
    {
        if (HasBody)
        {
            return JsonUtil.Parse(Body);
        }

        if (Param("source") is { } source)
        {
            if (Param("source_content_type") is not { } ct || !ct.StartsWith("application/json", StringComparison.Ordinal))
            {
                throw EsException.IllegalArgument("source and source_content_type parameters are required");
            }

            return JsonUtil.Parse(System.Text.Encoding.UTF8.GetBytes(source));
        }

        return null;
    }

    public bool HasContent => HasBody || HasParam("source");
}
