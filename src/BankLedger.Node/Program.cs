using BankLedger.Node;
using BankLedger.Node.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
    var settings = builder.AddBankLedger();
    var app = builder.Build();
    app.MapBankLedger(settings);
    await app.RunAsync();
    return 0;
}
catch (LedgerConfigurationException e)
{
    // One clear line naming the key, and a non-zero exit code for scripts and orchestrators.
    await Console.Error.WriteLineAsync($"bankledger: {e.Message}");
    return 2;
}

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
