using BankLedger.Node;
using BankLedger.Node.Hosting;

try
{
    // appsettings.json ships next to the executable; the working directory is the operator's (it anchors the
    // relative data folder), so the content root must not default to it or the shipped settings go unread.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
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
