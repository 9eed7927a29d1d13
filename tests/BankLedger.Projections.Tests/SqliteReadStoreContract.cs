using BankLedger.ReadStore.Sqlite;

namespace BankLedger.Projections.Tests;

/// <summary>The shared read-store contract, run against the embedded SQLite adapter (one temp file per test).</summary>
public sealed class SqliteReadStoreContract : ReadStoreContract
{
    private readonly TestDirectory _directory = new("sqlite-contract");

    private string DatabasePath => _directory.File("read-model.db");

    protected override Task<IReadStore> CreateStoreAsync() => Task.FromResult<IReadStore>(new SqliteReadStore(DatabasePath));

    protected override async Task<IReadStore> ReopenStoreAsync(IReadStore store)
    {
        await DisposeStoreAsync(store);
        return new SqliteReadStore(DatabasePath);
    }

    protected override Task CleanupAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
