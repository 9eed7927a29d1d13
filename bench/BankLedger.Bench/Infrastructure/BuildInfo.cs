using System.Reflection;

namespace BankLedger.Bench.Infrastructure;

/// <summary>Paths baked in at build time (see the csproj's AssemblyMetadata items).</summary>
internal static class BuildInfo
{
    private static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata '{key}' missing");

    public static string NodeDll => Metadata("BankLedger.Bench.NodeDll");

    public static string RepoRoot => Metadata("BankLedger.Bench.RepoRoot");

    public static string Configuration => Metadata("BankLedger.Bench.Configuration");
}
