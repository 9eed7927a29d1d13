using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.TestServer;

internal static class JsonUtil
{
    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static readonly JsonSerializerOptions Pretty = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
        MaxDepth = 1000,
    };

    /// <summary>Parses a JSON value; malformed input is a 400 x_content_parse_exception as in Elasticsearch.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8, nodeOptions: null, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw ParseError(e);
        }
    }

    /// <summary>Parses a document source and keeps it as an immutable element.</summary>
    public static JsonElement ParseElement(string json)
    {
        using var doc = JsonDocument.Parse(json, DocumentOptions);
        return doc.RootElement.Clone();
    }

    /// <summary>Parses a request body straight into an immutable element (400 on malformed JSON).</summary>
    public static JsonElement ParseElement(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8, DocumentOptions);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ParseError(e);
        }
    }

    private static EsException ParseError(JsonException e)
    {
        var line = (e.LineNumber ?? 0) + 1;
        var col = (e.BytePositionInLine ?? 0) + 1;
        var reason = e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase)
            ? $"[{line}:{col}] Duplicate field in JSON object"
            : $"[{line}:{col}] Failed to parse JSON: {FirstSentence(e.Message)}";
        return EsException.XContentParse(reason);
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    public static string Serialize(JsonNode? node, bool pretty = false) =>
        node is null ? "null" : node.ToJsonString(pretty ? Pretty : Compact);

    public static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    public static bool IsString(JsonNode? n) => Kind(n) == JsonValueKind.String;

    public static bool IsNumber(JsonNode? n) => Kind(n) == JsonValueKind.Number;

    public static bool IsBool(JsonNode? n) => Kind(n) is JsonValueKind.True or JsonValueKind.False;

    /// <summary>Text form of a scalar the way Elasticsearch stringifies it (numbers keep their literal text).</summary>
    public static string ScalarText(JsonNode? n) => Kind(n) switch
    {
        JsonValueKind.String => n!.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Number => n!.ToJsonString(),
        _ => n!.ToJsonString(Compact),
    };

    public static string? AsString(JsonNode? n) => IsString(n) ? n!.GetValue<string>() : null;

    /// <summary>Parses an Elasticsearch boolean (true/false or "true"/"false").</summary>
    public static bool ToBool(JsonNode? n, string what)
    {
        return Kind(n) switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => ParseBool(n!.GetValue<string>(), what),
            _ => throw EsException.IllegalArgument($"Failed to parse value [{ScalarText(n)}] as only [true] or [false] are allowed."),
        };
    }

    public static bool ParseBool(string value, string what) => value switch
    {
        "true" => true,
        "false" => false,
        _ => throw EsException.IllegalArgument(
            $"Failed to parse value [{value}] as only [true] or [false] are allowed.")
            .With("parameter", what),
    };

    public static bool TryDouble(string s, out double d) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d);

    public static bool TryDecimal(string s, out decimal d) =>
        decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d);

    public static bool TryLong(string s, out long l) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l);

    /// <summary>Reads an integer from a JSON number or numeric string.</summary>
    public static int ToInt(JsonNode? n, string what)
    {
        var text = ScalarText(n);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        throw EsException.IllegalArgument($"[{what}] must be an integer but was [{text}]");
    }

    public static string Inv(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number node for a double, written the way Java prints it (no "E+" quirks matter to clients).</summary>
    public static JsonNode DoubleNode(double d)
    {
        if (double.IsPositiveInfinity(d))
        {
            return JsonValue.Create("Infinity");
        }

        if (double.IsNegativeInfinity(d))
        {
            return JsonValue.Create("-Infinity");
        }

        if (double.IsNaN(d))
        {
            return JsonValue.Create("NaN");
        }

        return JsonValue.Create(d);
    }

    public static JsonObject Obj(params (string Key, JsonNode? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields)
        {
            o[k] = v;
        }

        return o;
    }

    public static JsonArray Arr(IEnumerable<JsonNode?> items)
    {
        var a = new JsonArray();
        foreach (var i in items)
        {
            a.Add(i);
        }

        return a;
    }

    public static JsonNode? Clone(JsonNode? n) => n?.DeepClone();

    /// <summary>A node view of an immutable element (objects and arrays included).</summary>
    public static JsonNode? ToNode(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(e),
        JsonValueKind.Array => JsonArray.Create(e),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => JsonValue.Create(e),
    };

    /// <summary>Deep equality where numbers compare by value.</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        var ka = Kind(a);
        var kb = Kind(b);
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
        {
            var ta = a!.ToJsonString();
            var tb = b!.ToJsonString();
            if (ta == tb)
            {
                return true;
            }

            if (TryDecimal(ta, out var da) && TryDecimal(tb, out var db))
            {
                return da == db;
            }

            return TryDouble(ta, out var xa) && TryDouble(tb, out var xb) && xa.Equals(xb);
        }

        if (ka != kb)
        {
            return false;
        }

        switch (ka)
        {
            case JsonValueKind.Object:
            {
                var oa = a!.AsObject();
                var ob = b!.AsObject();
                if (oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var (k, v) in oa)
                {
                    if (!ob.TryGetPropertyValue(k, out var w) || !DeepEquals(v, w))
                    {
                        return false;
                    }
                }

                return true;
            }

            case JsonValueKind.Array:
            {
                var aa = a!.AsArray();
                var ab = b!.AsArray();
                if (aa.Count != ab.Count)
                {
                    return false;
                }

                for (var i = 0; i < aa.Count; i++)
                {
                    if (!DeepEquals(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            case JsonValueKind.String:
                return a!.GetValue<string>() == b!.GetValue<string>();
            default:
                return true;
        }
    }

    public static JsonObject ExpectObject(JsonNode? n, string what)
    {
        if (n is JsonObject o)
        {
            return o;
        }

        throw EsException.Parsing($"[{what}] expected an object but found [{ScalarText(n)}]");
    }
}
