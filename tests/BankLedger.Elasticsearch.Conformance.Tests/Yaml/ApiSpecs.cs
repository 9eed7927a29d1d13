using System.Text.Json.Nodes;

namespace BankLedger.Elasticsearch.Conformance.Tests.Yaml;

/// <summary>One REST API specification (<c>api/&lt;name&gt;.json</c>): its URL paths, methods and parameters.</summary>
public sealed class ApiSpec
{
    public required string Name { get; init; }

    public required IReadOnlyList<ApiPath> Paths { get; init; }

    public required IReadOnlySet<string> Params { get; init; }

    public bool BodySupported { get; init; }

    /// <summary>"bulk" when the body is newline-delimited JSON.</summary>
    public string? BodySerialize { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlySet<string> PartNames => Paths.SelectMany(p => p.Parts).ToHashSet(StringComparer.Ordinal);
}

public sealed record ApiPath(string Path, IReadOnlyList<string> Methods, IReadOnlyList<string> Parts);

public static class ApiSpecs
{
    public static IReadOnlyDictionary<string, ApiSpec> Load(string root)
    {
        var specs = new Dictionary<string, ApiSpec>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "api"), "*.json"))
        {
            var json = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
            if (json is null)
            {
                continue;
            }

            foreach (var (name, value) in json)
            {
                if (name.StartsWith('_') || value is not JsonObject api || api["url"] is not JsonObject url)
                {
                    continue;
                }

                var paths = new List<ApiPath>();
                foreach (var p in url["paths"] as JsonArray ?? [])
                {
                    var path = p!["path"]!.GetValue<string>();
                    var methods = (p["methods"] as JsonArray ?? []).Select(m => m!.GetValue<string>()).ToList();
                    var parts = (p["parts"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];
                    paths.Add(new ApiPath(path, methods, parts));
                }

                var body = api["body"] as JsonObject;
                var contentTypes = (api["headers"] as JsonObject)?["content_type"] as JsonArray;
                specs[name] = new ApiSpec
                {
                    Name = name,
                    Paths = paths,
                    Params = ((api["params"] as JsonObject)?.Select(kv => kv.Key) ?? []).ToHashSet(StringComparer.Ordinal),
                    BodySupported = body is not null,
                    BodySerialize = body?["serialize"]?.GetValue<string>(),
                    ContentType = contentTypes?.FirstOrDefault()?.GetValue<string>(),
                };
            }
        }

        return specs;
    }
}
