using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BankLedger.Elasticsearch.Conformance.Tests.Yaml;

/// <summary>A YAML test file: optional setup and teardown, and its named tests. Steps are single-key objects.</summary>
public sealed class YamlTestFile
{
    public required string RelativePath { get; init; }

    public IReadOnlyList<JsonObject> Setup { get; init; } = [];

    public IReadOnlyList<JsonObject> Teardown { get; init; } = [];

    public required IReadOnlyList<YamlTestCase> Tests { get; init; }
}

public sealed record YamlTestCase(string File, string Name, IReadOnlyList<JsonObject> Steps)
{
    public const string Separator = " » ";

    /// <summary>"bulk/10_basic.yml » Array of objects": the display name and the key of exclusions.</summary>
    public string Id => File + Separator + Name;
}

public static partial class YamlSuite
{
    public static YamlTestFile Load(string root, string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(root, "test", relativePath));
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        List<JsonObject> setup = [], teardown = [];
        var tests = new List<YamlTestCase>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is not YamlMappingNode map)
            {
                continue;
            }

            foreach (var (keyNode, valueNode) in map.Children)
            {
                var name = ((YamlScalarNode)keyNode).Value ?? "";
                var steps = ToSteps(valueNode, relativePath, name);
                switch (name)
                {
                    case "setup":
                        setup = steps;
                        break;
                    case "teardown":
                        teardown = steps;
                        break;
                    default:
                        tests.Add(new YamlTestCase(relativePath, name, steps));
                        break;
                }
            }
        }

        return new YamlTestFile { RelativePath = relativePath, Setup = setup, Teardown = teardown, Tests = tests };
    }

    private static List<JsonObject> ToSteps(YamlNode node, string file, string section)
    {
        if (node is not YamlSequenceNode seq)
        {
            throw new InvalidDataException($"{file} [{section}]: expected a list of steps");
        }

        return seq.Children.Select(s => ToJson(s) as JsonObject
            ?? throw new InvalidDataException($"{file} [{section}]: a step must be an object")).ToList();
    }

    /// <summary>YAML to JSON with YAML core-schema typing of plain scalars (quoted scalars stay strings).</summary>
    public static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
            {
                var o = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    o[((YamlScalarNode)k).Value ?? ""] = ToJson(v);
                }

                return o;
            }

            case YamlSequenceNode seq:
                return new JsonArray(seq.Children.Select(ToJson).ToArray());
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InvalidDataException($"unsupported YAML node {node.NodeType}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (IntRegex().IsMatch(value))
        {
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : JsonNode.Parse(value.TrimStart('+'));
        }

        if (FloatRegex().IsMatch(value))
        {
            var normalized = value.TrimStart('+');
            if (normalized.StartsWith('.') || normalized.StartsWith("-.", StringComparison.Ordinal) || normalized.EndsWith('.'))
            {
                return JsonValue.Create(double.Parse(normalized, CultureInfo.InvariantCulture));
            }

            try
            {
                return JsonNode.Parse(normalized);
            }
            catch (System.Text.Json.JsonException)
            {
                return JsonValue.Create(double.Parse(normalized, CultureInfo.InvariantCulture));
            }
        }

        return JsonValue.Create(value);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntRegex();

    [GeneratedRegex("^[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatRegex();
}
