using BankLedger.Elasticsearch.Conformance.Tests.Yaml;

namespace BankLedger.Elasticsearch.Conformance.Tests;

/// <summary>Every test case of every YAML file in the conformance data, loaded once.</summary>
public static class ConformanceSuite
{
    private static readonly Lazy<IReadOnlyList<(YamlTestFile File, YamlTestCase Case)>> Loaded = new(Load);

    public static IReadOnlyList<(YamlTestFile File, YamlTestCase Case)> All => Loaded.Value;

    private static IReadOnlyList<(YamlTestFile, YamlTestCase)> Load()
    {
        var root = ConformanceData.Directory;
        if (root is null)
        {
            return [];
        }

        var cases = new List<(YamlTestFile, YamlTestCase)>();
        foreach (var relative in ConformanceData.TestFiles(root))
        {
            var file = YamlSuite.Load(root, relative);
            cases.AddRange(file.Tests.Select(t => (file, t)));
        }

        return cases;
    }

    public static (YamlTestFile File, YamlTestCase Case) Find(string id)
    {
        ConformanceData.RequireDirectory();
        foreach (var entry in All)
        {
            if (entry.Case.Id == id)
            {
                return entry;
            }
        }

        throw new InvalidOperationException($"no YAML test case [{id}]");
    }
}
