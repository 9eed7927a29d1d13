using BankLedger.Bench;
using BankLedger.Bench.Crud;

// Two modes in one executable: the harness itself, and the CRUD baseline service it starts as a
// separate process (`crud-server`), so both systems under test sit behind the same HTTP hop.
if (args.Length > 0 && args[0] == CrudServer.Mode) return await CrudServer.RunAsync(args[1..]);

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"bench: {e.Message}");
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
return await BenchRun.RunAsync(options);
