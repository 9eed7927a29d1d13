using BankLedger.IntegrationTests.Support;
using BankLedger.TestSupport;

namespace BankLedger.IntegrationTests;

/// <summary>Invalid configuration stops the real executable at start with one message naming the key.</summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Ledger:Journal:Provider", "oracle", "Ledger:Journal:Provider" },
        { "Ledger:Journal:Provider", "postgresql", "Ledger:Journal:ConnectionString" },
        { "Ledger:ReadStore:Provider", "mongodb", "Ledger:ReadStore:Provider" },
        { "Ledger:Roles", "gateway,banker", "Ledger:Roles" },
        { "Ledger:SnapshotEvery", "0", "Ledger:SnapshotEvery" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Invalid_setting_stops_the_node_with_a_message_naming_the_key(string key, string value, string namedKey)
    {
        using var data = new TempDirectory("config");
        await using var node = NodeProcess.Start(new Dictionary<string, string>
        {
            ["Ledger:DataDirectory"] = data.Path,
            [key] = value,
        });
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Invalid configuration '{namedKey}'", node.Output);
    }

    [Fact]
    public async Task Unwritable_data_directory_stops_the_node_with_a_message_naming_the_key()
    {
        using var data = new TempDirectory("config");
        var aFile = data.Combine("not-a-folder");
        await File.WriteAllTextAsync(aFile, "x");
        await using var node = NodeProcess.Start(new Dictionary<string, string> { ["Ledger:DataDirectory"] = Path.Combine(aFile, "data") });
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Invalid configuration 'Ledger:DataDirectory'", node.Output);
    }

    [Fact]
    public async Task Environment_variables_configure_the_node_and_the_data_folder_is_created()
    {
        using var data = new TempDirectory("config");
        var folder = data.Combine("nested", "ledger-data");
        await using var node = NodeProcess.Start(
            new Dictionary<string, string>(),
            environment: new Dictionary<string, string> { ["Ledger__DataDirectory"] = folder, ["Ledger__SnapshotEvery"] = "3" });
        await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(Path.Combine(folder, "journal.db")), "the journal lives in the folder named by the environment");
        Assert.Contains($"data in {folder}", node.Output);
    }

    [Fact]
    public async Task Command_line_wins_over_environment_variables()
    {
        using var data = new TempDirectory("config");
        var fromEnvironment = data.Combine("from-env");
        var fromCommandLine = data.Combine("from-args");
        await using var node = NodeProcess.Start(
            new Dictionary<string, string> { ["Ledger:DataDirectory"] = fromCommandLine },
            environment: new Dictionary<string, string> { ["Ledger__DataDirectory"] = fromEnvironment });
        await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        Assert.Contains($"data in {fromCommandLine}", node.Output);
        Assert.False(Directory.Exists(fromEnvironment));
    }
}
