using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BankLedger.Elasticsearch.Conformance.Tests.Yaml;

public enum OutcomeKind
{
    Passed,
    Failed,

    /// <summary>The file's own skip/requires says this test does not run against an Elasticsearch 9.x like ours.</summary>
    SkippedByFile,
}

public sealed record CaseOutcome(OutcomeKind Kind, string Message)
{
    public static CaseOutcome Passed { get; } = new(OutcomeKind.Passed, "");
}

/// <summary>A step that did not hold.</summary>
public sealed class StepFailedException(string message) : Exception(message);

/// <summary>
/// Runs Elasticsearch YAML REST tests (rest-api-spec format) against a server over HTTP: maps <c>do</c> API
/// calls to requests with the api/*.json specs, evaluates skip/requires as an Elasticsearch 9.x node would,
/// and checks match/is_true/is_false/length/gt/gte/lt/lte/contains/exists/close_to and set (stash).
/// After each test it deletes every index (and with them every alias).
/// </summary>
public sealed partial class YamlRunner : IDisposable
{
    /// <summary>Test-runner features this runner implements (README "Available test runner features").</summary>
    public static readonly IReadOnlySet<string> RunnerFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "headers", "warnings", "warnings_regex", "allowed_warnings", "allowed_warnings_regex", "capabilities",
        "default_shards", "contains", "stash_in_path", "stash_in_key", "close_to", "arbitrary_key",
    };

    /// <summary>
    /// Named cluster features an Elasticsearch 9.x cluster reports that the files here ask for (historical
    /// features of behaviour present since 7.x). <c>gte_vX.Y.Z</c> synthetic features are derived from the version.
    /// A feature not listed is treated as absent.
    /// </summary>
    public static readonly IReadOnlySet<string> ClusterFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "bulk_auto_id", "bulk_require_alias", "indices_alias_date_math",
    };

    private static readonly HashSet<string> DoReserved = new(StringComparer.Ordinal)
    {
        "catch", "headers", "warnings", "allowed_warnings", "warnings_regex", "allowed_warnings_regex", "node_selector",
    };

    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, ApiSpec> _specs;
    private Version? _serverVersion;

    public YamlRunner(Uri baseUrl, string dataRoot)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        _specs = ApiSpecs.Load(dataRoot);
    }

    public void Dispose() => _http.Dispose();

    private sealed class Context
    {
        public Dictionary<string, JsonNode?> Stash { get; } = new(StringComparer.Ordinal);

        public JsonNode? Body { get; set; }

        public string BodyText { get; set; } = "";
    }

    public async Task<CaseOutcome> RunAsync(YamlTestFile file, YamlTestCase test)
    {
        _serverVersion ??= await ServerVersionAsync().ConfigureAwait(false);
        var skip = await SkipReasonAsync(file.Setup).ConfigureAwait(false)
            ?? await SkipReasonAsync(file.Teardown).ConfigureAwait(false)
            ?? await SkipReasonAsync(test.Steps).ConfigureAwait(false);
        if (skip is not null)
        {
            return new CaseOutcome(OutcomeKind.SkippedByFile, skip);
        }

        await CleanupAsync().ConfigureAwait(false);
        var ctx = new Context();
        string? failure = null;
        try
        {
            await RunStepsAsync(ctx, file.Setup, "setup").ConfigureAwait(false);
            await RunStepsAsync(ctx, test.Steps, "test").ConfigureAwait(false);
        }
        catch (StepFailedException e)
        {
            failure = e.Message;
        }

        try
        {
            await RunStepsAsync(ctx, file.Teardown, "teardown").ConfigureAwait(false);
        }
        catch (StepFailedException e)
        {
            failure ??= e.Message;
        }
        finally
        {
            await CleanupAsync().ConfigureAwait(false);
        }

        return failure is null ? CaseOutcome.Passed : new CaseOutcome(OutcomeKind.Failed, failure);
    }

    private async Task<Version> ServerVersionAsync()
    {
        using var response = await _http.GetAsync(new Uri("/", UriKind.Relative)).ConfigureAwait(false);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return ParseVersion(body?["version"]?["number"]?.GetValue<string>() ?? throw new StepFailedException("GET / has no version.number"));
    }

    /// <summary>Deletes every index, hidden ones included (aliases go with them).</summary>
    private async Task CleanupAsync()
    {
        using var list = await _http.GetAsync(new Uri("/_alias?expand_wildcards=all", UriKind.Relative)).ConfigureAwait(false);
        if (JsonNode.Parse(await list.Content.ReadAsStringAsync().ConfigureAwait(false)) is not JsonObject indices || indices.Count == 0)
        {
            return;
        }

        var names = string.Join(',', indices.Select(kv => Uri.EscapeDataString(kv.Key)));
        using var delete = await _http.DeleteAsync(new Uri($"/{names}?expand_wildcards=all", UriKind.Relative)).ConfigureAwait(false);
        if (!delete.IsSuccessStatusCode)
        {
            throw new StepFailedException($"cleanup failed: DELETE /{names} -> {(int)delete.StatusCode} {await delete.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }

    // ------------------------------------------------------------------------------------------
    // skip / requires.
    // ------------------------------------------------------------------------------------------

    private async Task<string?> SkipReasonAsync(IReadOnlyList<JsonObject> steps)
    {
        foreach (var step in steps)
        {
            if (step["requires"] is JsonObject requires)
            {
                var reason = await RequiresReasonAsync(requires).ConfigureAwait(false);
                if (reason is not null)
                {
                    return reason;
                }
            }
            else if (step["skip"] is JsonObject skip)
            {
                var reason = SkipReason(skip);
                if (reason is not null)
                {
                    return reason;
                }
            }
            else
            {
                break;
            }
        }

        return null;
    }

    private async Task<string?> RequiresReasonAsync(JsonObject requires)
    {
        var why = requires["reason"] is { } r ? $" ({Text(r)})" : "";
        foreach (var feature in List(requires["test_runner_features"]))
        {
            if (!RunnerFeatures.Contains(feature))
            {
                return $"requires test runner feature [{feature}] that this runner does not implement{why}";
            }
        }

        foreach (var feature in List(requires["cluster_features"]))
        {
            if (!HasClusterFeature(feature))
            {
                return $"requires cluster feature [{feature}] that an Elasticsearch {_serverVersion} node here does not report{why}";
            }
        }

        if (requires["capabilities"] is JsonArray caps)
        {
            foreach (var cap in caps.OfType<JsonObject>())
            {
                var query = new List<string>
                {
                    "method=" + Uri.EscapeDataString(Text(cap["method"] ?? "GET")),
                    "path=" + Uri.EscapeDataString(Text(cap["path"] ?? "/")),
                };
                if (cap["parameters"] is { } p)
                {
                    query.Add("parameters=" + Uri.EscapeDataString(string.Join(',', List(p))));
                }

                if (cap["capabilities"] is { } c)
                {
                    query.Add("capabilities=" + Uri.EscapeDataString(string.Join(',', List(c))));
                }

                using var response = await _http.GetAsync(new Uri("/_capabilities?" + string.Join('&', query), UriKind.Relative)).ConfigureAwait(false);
                var body = response.IsSuccessStatusCode
                    ? JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))
                    : null;
                if (body?["supported"] is not JsonValue v || v.GetValueKind() != JsonValueKind.True)
                {
                    return $"requires capabilities {cap.ToJsonString()} that the server does not report{why}";
                }
            }
        }

        return null;
    }

    private string? SkipReason(JsonObject skip)
    {
        var why = skip["reason"] is { } r ? $" ({Text(r)})" : "";
        foreach (var feature in List(skip["features"]))
        {
            if (!RunnerFeatures.Contains(feature))
            {
                return $"skip: needs test runner feature [{feature}] that this runner does not implement{why}";
            }
        }

        if (skip["awaits_fix"] is { } awaits)
        {
            return $"skip: awaits fix [{Text(awaits)}]{why}";
        }

        if (skip["version"] is { } versionNode)
        {
            var ranges = Text(versionNode);
            if (ranges.Trim() == "all")
            {
                return $"skip: version [all]{why}";
            }

            foreach (var range in ranges.Split(','))
            {
                var parts = range.Split(" - ");
                if (parts.Length != 2)
                {
                    parts = range.Split('-', 2);
                }

                var lower = parts[0].Trim().Length == 0 ? new Version(0, 0, 0) : ParseVersion(parts[0]);
                var upper = parts.Length < 2 || parts[1].Trim().Length == 0 ? new Version(int.MaxValue, 0, 0) : ParseVersion(parts[1]);
                if (_serverVersion! >= lower && _serverVersion <= upper)
                {
                    return $"skip: version [{ranges.Trim()}] includes {_serverVersion}{why}";
                }
            }
        }

        foreach (var feature in List(skip["cluster_features"]))
        {
            if (HasClusterFeature(feature))
            {
                return $"skip: cluster feature [{feature}] is present on Elasticsearch {_serverVersion}{why}";
            }
        }

        if (skip["known_issues"] is JsonArray issues)
        {
            foreach (var issue in issues.OfType<JsonObject>())
            {
                if (HasClusterFeature(Text(issue["cluster_feature"])) && !HasClusterFeature(Text(issue["fixed_by"])))
                {
                    return $"skip: known issue [{Text(issue["cluster_feature"])}] not fixed{why}";
                }
            }
        }

        return null;
    }

    private bool HasClusterFeature(string feature)
    {
        if (feature.StartsWith("gte_v", StringComparison.Ordinal))
        {
            return ParseVersion(feature[5..]) <= _serverVersion;
        }

        return ClusterFeatures.Contains(feature);
    }

    public static Version ParseVersion(string text)
    {
        var m = VersionRegex().Match(text.Trim());
        if (!m.Success)
        {
            throw new StepFailedException($"cannot parse version [{text}]");
        }

        return new Version(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0,
            m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"^(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex VersionRegex();

    // ------------------------------------------------------------------------------------------
    // Steps.
    // ------------------------------------------------------------------------------------------

    private async Task RunStepsAsync(Context ctx, IReadOnlyList<JsonObject> steps, string section)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Count != 1)
            {
                throw new StepFailedException($"{section} step {i + 1}: a step must have exactly one key: {step.ToJsonString()}");
            }

            var (kind, arg) = step.First();
            try
            {
                await RunStepAsync(ctx, kind, arg).ConfigureAwait(false);
            }
            catch (StepFailedException e)
            {
                throw new StepFailedException($"{section} step {i + 1} [{kind}: {Truncate(arg?.ToJsonString() ?? "null", 300)}]: {e.Message}");
            }
        }
    }

    private async Task RunStepAsync(Context ctx, string kind, JsonNode? arg)
    {
        switch (kind)
        {
            case "skip":
            case "requires":
                return;
            case "do":
                await DoAsync(ctx, arg as JsonObject ?? throw new StepFailedException("do needs an object")).ConfigureAwait(false);
                return;
            case "set":
                foreach (var (path, name) in Obj(arg))
                {
                    ctx.Stash[Text(name)] = Lookup(ctx, path, out _)?.DeepClone();
                }

                return;
            case "match":
                foreach (var (path, expected) in Obj(arg))
                {
                    Match(ctx, path, expected);
                }

                return;
            case "is_true":
            {
                var path = Text(arg);
                var value = Lookup(ctx, path, out _);
                if (!IsTruthy(value))
                {
                    throw new StepFailedException($"expected [{path}] to be true-ish but was [{Show(value)}]{Describe(ctx)}");
                }

                return;
            }

            case "is_false":
            {
                var path = Text(arg);
                var value = Lookup(ctx, path, out _);
                if (IsTruthy(value))
                {
                    throw new StepFailedException($"expected [{path}] to be false-ish but was [{Show(value)}]{Describe(ctx)}");
                }

                return;
            }

            case "exists":
            {
                var path = Text(arg);
                Lookup(ctx, path, out var found);
                if (!found)
                {
                    throw new StepFailedException($"expected [{path}] to exist{Describe(ctx)}");
                }

                return;
            }

            case "length":
                foreach (var (path, expected) in Obj(arg))
                {
                    var value = Lookup(ctx, path, out _);
                    var length = value switch
                    {
                        JsonArray a => a.Count,
                        JsonObject o => o.Count,
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length,
                        _ => throw new StepFailedException($"[{path}] has no length: [{Show(value)}]{Describe(ctx)}"),
                    };
                    if (length != (long)Number(Resolve(ctx, expected), "length"))
                    {
                        throw new StepFailedException($"expected [{path}] to have length {Show(expected)} but was {length}: [{Show(value)}]{Describe(ctx)}");
                    }
                }

                return;
            case "gt":
            case "gte":
            case "lt":
            case "lte":
                foreach (var (path, expectedNode) in Obj(arg))
                {
                    var actual = Lookup(ctx, path, out _);
                    if (actual is null)
                    {
                        throw new StepFailedException($"[{path}] is missing{Describe(ctx)}");
                    }

                    var a = Number(actual, path);
                    var e = Number(Resolve(ctx, expectedNode), path);
                    var ok = kind switch { "gt" => a > e, "gte" => a >= e, "lt" => a < e, _ => a <= e };
                    if (!ok)
                    {
                        throw new StepFailedException($"expected [{path}] {kind} {e} but was {Show(actual)}{Describe(ctx)}");
                    }
                }

                return;
            case "contains":
                foreach (var (path, expected) in Obj(arg))
                {
                    var actual = Lookup(ctx, path, out _);
                    var want = Resolve(ctx, expected);
                    var ok = actual switch
                    {
                        JsonArray a => a.Any(item => want is JsonObject wo && item is JsonObject io
                            ? wo.All(kv => io.TryGetPropertyValue(kv.Key, out var x) && ValuesEqual(x, kv.Value))
                            : ValuesEqual(item, want)),
                        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
                            v.GetValue<string>().Contains(Text(want), StringComparison.Ordinal),
                        _ => false,
                    };
                    if (!ok)
                    {
                        throw new StepFailedException($"expected [{path}] to contain [{Show(want)}] but was [{Show(actual)}]{Describe(ctx)}");
                    }
                }

                return;
            case "close_to":
                foreach (var (path, spec) in Obj(arg))
                {
                    var actual = Number(Lookup(ctx, path, out _), path);
                    var value = Number(spec?["value"], "value");
                    var error = Number(spec?["error"], "error");
                    if (Math.Abs(actual - value) > error)
                    {
                        throw new StepFailedException($"expected [{path}] to be {value} ± {error} but was {actual}");
                    }
                }

                return;
            default:
                throw new StepFailedException($"unsupported step [{kind}]");
        }
    }

    private static JsonObject Obj(JsonNode? n) => n as JsonObject ?? throw new StepFailedException("expected an object");

    private static string Text(JsonNode? n) => n switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => n.ToJsonString(),
    };

    private static IEnumerable<string> List(JsonNode? n) => n switch
    {
        null => [],
        JsonArray a => a.Select(Text),
        _ => [Text(n)],
    };

    private static double Number(JsonNode? n, string what)
    {
        var text = Text(n);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new StepFailedException($"[{what}] is not a number: [{text}]");
    }

    private static string Show(JsonNode? n) => Truncate(n?.ToJsonString(Options) ?? "null", 500);

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static string Describe(Context ctx) => $"; last response: {Truncate(ctx.BodyText, 1500)}";

    /// <summary>The Java runner's truthiness: not null and toString() not "", "false" or "0".</summary>
    private static bool IsTruthy(JsonNode? value)
    {
        if (value is null)
        {
            return false;
        }

        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();
        return text is not ("" or "false" or "0");
    }

    // ------------------------------------------------------------------------------------------
    // Stash and paths.
    // ------------------------------------------------------------------------------------------

    private static JsonNode? Resolve(Context ctx, JsonNode? value)
    {
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
            {
                var s = v.GetValue<string>();
                if (s.StartsWith('$') && !s.StartsWith("${", StringComparison.Ordinal))
                {
                    return StashValue(ctx, s[1..])?.DeepClone();
                }

                if (s.Contains("${", StringComparison.Ordinal))
                {
                    return JsonValue.Create(EmbeddedStashRegex().Replace(s, m => Text(StashValue(ctx, m.Groups[1].Value))));
                }

                return v.DeepClone();
            }

            case JsonObject o:
            {
                var copy = new JsonObject();
                foreach (var (k, x) in o)
                {
                    var key = k.StartsWith('$') ? Text(StashValue(ctx, k[1..])) : k;
                    copy[key] = Resolve(ctx, x);
                }

                return copy;
            }

            case JsonArray a:
                return new JsonArray(a.Select(x => Resolve(ctx, x)).ToArray());
            default:
                return value?.DeepClone();
        }
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex EmbeddedStashRegex();

    private static JsonNode? StashValue(Context ctx, string name)
    {
        if (name == "body")
        {
            return ctx.Body;
        }

        return ctx.Stash.TryGetValue(name, out var v) ? v : throw new StepFailedException($"stash has no [{name}]");
    }

    private static JsonNode? Lookup(Context ctx, string path, out bool found)
    {
        found = true;
        if (path.Length == 0 || path == "$body")
        {
            return ctx.Body;
        }

        var parts = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '.')
            {
                sb.Append('.');
                i++;
            }
            else if (path[i] == '.')
            {
                parts.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(path[i]);
            }
        }

        parts.Add(sb.ToString());
        var current = ctx.Body;
        foreach (var raw in parts)
        {
            var part = raw.StartsWith('$') ? Text(StashValue(ctx, raw[1..])) : raw;
            switch (current)
            {
                case JsonObject o when part == "_arbitrary_key_":
                    return o.Count == 0 ? null : JsonValue.Create(o.First().Key);
                case JsonObject o when o.TryGetPropertyValue(part, out var next):
                    current = next;
                    break;
                case JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count:
                    current = a[index];
                    break;
                default:
                    found = false;
                    return null;
            }
        }

        return current;
    }

    private static void Match(Context ctx, string path, JsonNode? expectedRaw)
    {
        var expected = Resolve(ctx, expectedRaw);
        if (expected is JsonValue ev && ev.GetValueKind() == JsonValueKind.String && ev.GetValue<string>().Trim() is var s &&
            s.Length > 1 && s.StartsWith('/') && s.EndsWith('/'))
        {
            var actualText = path == "$body" ? ctx.BodyText : Lookup(ctx, path, out _) is { } a ? Text(a) : null;
            if (actualText is null)
            {
                throw new StepFailedException($"[{path}] is missing, expected to match {s}{Describe(ctx)}");
            }

            // Like the Java runner: Pattern.COMMENTS and find().
            if (!Regex.IsMatch(actualText, s[1..^1], RegexOptions.IgnorePatternWhitespace))
            {
                throw new StepFailedException($"[{path}] = [{Truncate(actualText, 500)}] does not match {s}{Describe(ctx)}");
            }

            return;
        }

        var actual = Lookup(ctx, path, out _);
        if (!ValuesEqual(actual, expected))
        {
            throw new StepFailedException($"[{path}] expected [{Show(expected)}] but was [{Show(actual)}]{Describe(ctx)}");
        }
    }

    /// <summary>Deep equality; numbers compare by value (the Java runner compares Integer and Long by value).</summary>
    public static bool ValuesEqual(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var ka = a.GetValueKind();
        var kb = b.GetValueKind();
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
        {
            var ta = a.ToJsonString();
            var tb = b.ToJsonString();
            if (ta == tb)
            {
                return true;
            }

            if (decimal.TryParse(ta, NumberStyles.Float, CultureInfo.InvariantCulture, out var da) &&
                decimal.TryParse(tb, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
            {
                return da == db;
            }

            return double.Parse(ta, CultureInfo.InvariantCulture).Equals(double.Parse(tb, CultureInfo.InvariantCulture));
        }

        if (ka != kb)
        {
            return false;
        }

        return ka switch
        {
            JsonValueKind.Object => a.AsObject().Count == b.AsObject().Count &&
                a.AsObject().All(kv => b.AsObject().TryGetPropertyValue(kv.Key, out var w) && ValuesEqual(kv.Value, w)),
            JsonValueKind.Array => a.AsArray().Count == b.AsArray().Count &&
                a.AsArray().Zip(b.AsArray()).All(p => ValuesEqual(p.First, p.Second)),
            JsonValueKind.String => a.GetValue<string>() == b.GetValue<string>(),
            _ => true,
        };
    }

    // ------------------------------------------------------------------------------------------
    // do: API calls.
    // ------------------------------------------------------------------------------------------

    private async Task DoAsync(Context ctx, JsonObject spec)
    {
        string? api = null;
        JsonObject args = new();
        foreach (var (k, v) in spec)
        {
            if (DoReserved.Contains(k))
            {
                continue;
            }

            if (api is not null)
            {
                throw new StepFailedException($"do names two APIs: [{api}] and [{k}]");
            }

            api = k;
            args = Resolve(ctx, v) as JsonObject ?? new JsonObject();
        }

        if (api is null)
        {
            throw new StepFailedException("do names no API");
        }

        if (spec["node_selector"] is not null)
        {
            throw new StepFailedException("node_selector is not supported by this runner");
        }

        if (!_specs.TryGetValue(api, out var apiSpec))
        {
            throw new StepFailedException($"no REST spec api/{api}.json");
        }

        var catchValue = spec["catch"] is { } c ? Text(c) : null;
        var ignore = List(args["ignore"]).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToHashSet();
        args.Remove("ignore");
        var body = args["body"];
        args.Remove("body");

        using var request = BuildRequest(apiSpec, args, body);
        if (spec["headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                var headerValue = Text(Resolve(ctx, value));
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    if (request.Content is not null)
                    {
                        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headerValue);
                    }
                }
                else
                {
                    request.Headers.Remove(name);
                    request.Headers.TryAddWithoutValidation(name, headerValue);
                }
            }
        }

        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var isHead = request.Method == HttpMethod.Head;
        ctx.BodyText = text;
        if (isHead)
        {
            ctx.Body = JsonValue.Create(status == 200);
        }
        else
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
            ctx.Body = text.Length > 0 && mediaType.Contains("json", StringComparison.Ordinal) ? JsonNode.Parse(text) : JsonValue.Create(text);
        }

        CheckWarnings(spec, response);
        var isError = status >= 400 && !(isHead && status == 404);
        if (catchValue is not null)
        {
            if (status < 400)
            {
                throw new StepFailedException($"expected an error [catch: {catchValue}] but got {status}: {Truncate(text, 1000)}");
            }

            var ok = catchValue switch
            {
                "missing" => status == 404,
                "conflict" => status == 409,
                "bad_request" => status == 400,
                "unauthorized" => status == 401,
                "forbidden" => status == 403,
                "request_timeout" => status == 408,
                "unavailable" => status == 503,
                "request" => status >= 400 && status is not (400 or 401 or 403 or 404 or 408 or 409 or 503),
                "param" => false,
                _ when catchValue.Length > 1 && catchValue.StartsWith('/') && catchValue.EndsWith('/') =>
                    Regex.IsMatch($"status line [{status} {response.ReasonPhrase}]\n{text}", catchValue[1..^1]),
                _ => throw new StepFailedException($"unknown catch [{catchValue}]"),
            };
            if (!ok)
            {
                throw new StepFailedException($"error did not match [catch: {catchValue}]: {status} {Truncate(text, 1500)}");
            }

            return;
        }

        if (isError && !ignore.Contains(status))
        {
            throw new StepFailedException($"{request.Method} {request.RequestUri} failed with {status}: {Truncate(text, 1500)}");
        }
    }

    private static void CheckWarnings(JsonObject spec, HttpResponseMessage response)
    {
        var actual = response.Headers.TryGetValues("Warning", out var values)
            ? values.Select(WarningText).ToList()
            : [];
        var expected = List(spec["warnings"]).ToList();
        var expectedRegex = List(spec["warnings_regex"]).ToList();
        var allowed = List(spec["allowed_warnings"]).ToHashSet(StringComparer.Ordinal);
        var allowedRegex = List(spec["allowed_warnings_regex"]).ToList();
        foreach (var e in expected)
        {
            if (!actual.Contains(e))
            {
                throw new StepFailedException($"expected warning [{e}] but got [{string.Join("], [", actual)}]");
            }
        }

        foreach (var e in expectedRegex)
        {
            if (!actual.Any(a => Regex.IsMatch(a, e)))
            {
                throw new StepFailedException($"expected a warning matching [{e}] but got [{string.Join("], [", actual)}]");
            }
        }

        foreach (var a in actual)
        {
            if (expected.Contains(a) || allowed.Contains(a) || expectedRegex.Concat(allowedRegex).Any(r => Regex.IsMatch(a, r)))
            {
                continue;
            }

            throw new StepFailedException($"unexpected warning [{a}]");
        }
    }

    /// <summary>The quoted text of a <c>299 Elasticsearch-x.y.z "text"</c> Warning header.</summary>
    private static string WarningText(string header)
    {
        var first = header.IndexOf('"', StringComparison.Ordinal);
        var last = header.LastIndexOf('"');
        if (first < 0 || last <= first)
        {
            return header;
        }

        var inner = header[(first + 1)..last];
        var dateQuote = inner.LastIndexOf("\" \"", StringComparison.Ordinal);
        if (dateQuote >= 0)
        {
            inner = inner[..dateQuote];
        }

        return inner.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
    }

    private static string ParamText(JsonNode? value) => value switch
    {
        null => "",
        JsonArray a => string.Join(',', a.Select(ParamText)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static HttpRequestMessage BuildRequest(ApiSpec api, JsonObject args, JsonNode? body)
    {
        var partNames = api.PartNames;
        var supplied = args.Where(kv => partNames.Contains(kv.Key) && ParamText(kv.Value).Length > 0)
            .Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var path = api.Paths
            .Where(p => p.Parts.All(supplied.Contains))
            .OrderByDescending(p => p.Parts.Count)
            .FirstOrDefault() ?? throw new StepFailedException(
                $"no path of [{api.Name}] takes exactly the parts given ({string.Join(", ", supplied)})");

        var url = new StringBuilder();
        foreach (var segment in path.Path.Split('/').Skip(1))
        {
            url.Append('/');
            var m = PartRegex().Match(segment);
            if (m.Success)
            {
                url.Append(segment[..m.Index]);
                url.Append(Uri.EscapeDataString(ParamText(args[m.Groups[1].Value])));
                url.Append(segment[(m.Index + m.Length)..]);
            }
            else
            {
                url.Append(segment);
            }
        }

        if (url.Length == 0)
        {
            url.Append('/');
        }

        // Other parameters go to the query string; a path part given as an empty list/string is simply absent.
        var query = args
            .Where(kv => kv.Value is not null && !path.Parts.Contains(kv.Key) && !(partNames.Contains(kv.Key) && ParamText(kv.Value).Length == 0))
            .Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(ParamText(kv.Value)))
            .ToList();
        if (query.Count > 0)
        {
            url.Append('?').Append(string.Join('&', query));
        }

        string? content = null;
        if (body is not null)
        {
            content = api.BodySerialize == "bulk"
                ? body switch
                {
                    JsonArray lines => string.Concat(lines.Select(l => (l is JsonValue v && v.GetValueKind() == JsonValueKind.String
                        ? v.GetValue<string>()
                        : l?.ToJsonString() ?? "null") + "\n")),
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    _ => body.ToJsonString() + "\n",
                }
                : body is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : body.ToJsonString();
        }

        var methods = path.Methods;
        var method = content is null
            ? methods[0]
            : methods.FirstOrDefault(m => m is not ("GET" or "HEAD" or "DELETE")) ?? methods[0];
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url.ToString(), UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (content is not null)
        {
            request.Content = new StringContent(content, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(api.BodySerialize == "bulk" ? "application/x-ndjson" : "application/json");
        }

        return request;
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PartRegex();
}
