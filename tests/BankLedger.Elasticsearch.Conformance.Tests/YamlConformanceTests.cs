using System.Diagnostics;
using BankLedger.Elasticsearch.Conformance.Tests.Yaml;
using Xunit.Abstractions;

namespace BankLedger.Elasticsearch.Conformance.Tests;

/// <summary>
/// Elasticsearch's own YAML REST tests run against the test server: one xunit case per YAML test case, and a
/// summary that runs them all and prints "conformance: N passed, N failed, N excluded".
/// </summary>
public sealed class YamlConformanceTests(ConformanceFixture fixture, ITestOutputHelper output) : IClassFixture<ConformanceFixture>
{
    private const string NoData = "(no conformance data found)";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var (_, c) in ConformanceSuite.All)
        {
            data.Add(c.Id);
        }

        if (ConformanceSuite.All.Count == 0)
        {
            data.Add(NoData);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Yaml(string testCase)
    {
        Assert.True(testCase != NoData, $"Elasticsearch conformance data not found: set {ConformanceData.EnvironmentVariable}");
        var (file, test) = ConformanceSuite.Find(testCase);
        var outcome = await fixture.Runner.RunAsync(file, test);
        if (ConformanceExclusions.Cases.TryGetValue(testCase, out var reason))
        {
            output.WriteLine($"excluded (ConformanceExclusions): {reason}");
            Assert.True(outcome.Kind == OutcomeKind.Failed,
                $"[{testCase}] is listed in ConformanceExclusions ({reason}) but its outcome is {outcome.Kind}: remove the entry. {outcome.Message}");
            output.WriteLine($"still failing as expected: {outcome.Message}");
            return;
        }

        switch (outcome.Kind)
        {
            case OutcomeKind.SkippedByFile:
                output.WriteLine($"excluded by the file's own skip/requires: {outcome.Message}");
                break;
            case OutcomeKind.Failed:
                Assert.Fail(outcome.Message);
                break;
            default:
                output.WriteLine("passed");
                break;
        }
    }

    [Fact]
    public async Task Conformance_summary()
    {
        ConformanceData.RequireDirectory();
        var started = Stopwatch.GetTimestamp();
        int passed = 0, failed = 0, excluded = 0;
        var failures = new List<string>();
        foreach (var (file, test) in ConformanceSuite.All)
        {
            var outcome = await fixture.Runner.RunAsync(file, test);
            if (ConformanceExclusions.Cases.TryGetValue(test.Id, out var reason))
            {
                if (outcome.Kind == OutcomeKind.Failed)
                {
                    excluded++;
                    output.WriteLine($"EXCLUDED {test.Id}: {reason}");
                }
                else
                {
                    failed++;
                    failures.Add($"{test.Id}: listed in ConformanceExclusions but {outcome.Kind}");
                }

                continue;
            }

            switch (outcome.Kind)
            {
                case OutcomeKind.Passed:
                    passed++;
                    break;
                case OutcomeKind.SkippedByFile:
                    excluded++;
                    output.WriteLine($"EXCLUDED {test.Id}: {outcome.Message}");
                    break;
                default:
                    failed++;
                    failures.Add($"{test.Id}: {outcome.Message}");
                    break;
            }
        }

        var ids = ConformanceSuite.All.Select(c => c.Case.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in ConformanceExclusions.Cases.Keys.Where(k => !ids.Contains(k)))
        {
            failed++;
            failures.Add($"{stale}: listed in ConformanceExclusions but no such YAML test case exists");
        }

        foreach (var f in failures)
        {
            output.WriteLine("FAILED " + f);
        }

        var line = $"conformance: {passed} passed, {failed} failed, {excluded} excluded";
        output.WriteLine(line);
        output.WriteLine($"({ConformanceSuite.All.Count} cases in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms)");
        Console.WriteLine(line);
        Assert.True(failed == 0, line + Environment.NewLine + string.Join(Environment.NewLine, failures));
    }
}
