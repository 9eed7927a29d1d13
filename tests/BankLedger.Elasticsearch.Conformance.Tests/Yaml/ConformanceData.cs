namespace BankLedger.Elasticsearch.Conformance.Tests.Yaml;

/// <summary>
/// Locates Elasticsearch's REST conformance data (<c>api/*.json</c> specs and <c>test/**/*.yml</c> tests):
/// <c>BANKLEDGER_ES_CONFORMANCE_DIR</c> if set, else <c>shared/elasticsearch-conformance</c> found by walking up
/// from the test binaries (the repository's parent folder holds <c>shared/</c>, locally and in CI).
/// </summary>
public static class ConformanceData
{
    public const string EnvironmentVariable = "BANKLEDGER_ES_CONFORMANCE_DIR";

    private static readonly Lazy<string?> Located = new(Locate);

    /// <summary>The data directory, or null when it cannot be found.</summary>
    public static string? Directory => Located.Value;

    public static string RequireDirectory() => Directory ?? throw new DirectoryNotFoundException(
        $"Elasticsearch conformance data not found: set {EnvironmentVariable} or place shared/elasticsearch-conformance " +
        $"beside the repository (searched upward from {AppContext.BaseDirectory}).");

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return System.IO.Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
                     {
                         Path.Combine(dir.FullName, "shared", "elasticsearch-conformance"),
                         Path.Combine(dir.FullName, "..", "shared", "elasticsearch-conformance"),
                     })
            {
                if (System.IO.Directory.Exists(Path.Combine(candidate, "test")) && System.IO.Directory.Exists(Path.Combine(candidate, "api")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>Every YAML test file under <c>test/</c>, as paths relative to <c>test/</c> with '/' separators.</summary>
    public static IReadOnlyList<string> TestFiles(string root)
    {
        var testDir = Path.Combine(root, "test");
        return System.IO.Directory.EnumerateFiles(testDir, "*.yml", SearchOption.AllDirectories)
            .Concat(System.IO.Directory.EnumerateFiles(testDir, "*.yaml", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(testDir, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
    }
}
