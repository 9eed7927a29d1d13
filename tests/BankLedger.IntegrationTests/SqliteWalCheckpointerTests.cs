using BankLedger.Node.Hosting;
using BankLedger.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace BankLedger.IntegrationTests;

public sealed class SqliteWalCheckpointerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bankledger-checkpointer-").FullName;

    [Fact]
    public async Task It_moves_committed_pages_from_the_log_into_the_database_file_while_the_writer_never_checkpoints()
    {
        var file = Path.Combine(_directory, "busy.db");
        using var writer = CreateDatabaseWithRowsInTheLogOnly(file);
        var databaseBytesBefore = new FileInfo(file).Length;

        var checkpointer = new SqliteWalCheckpointer([file], NullLogger<SqliteWalCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Until(() => new FileInfo(file).Length > databaseBytesBefore + 500_000, TimeSpan.FromSeconds(20),
                "the database file holds the rows the log had");
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
        Assert.Equal(2000L, Scalar(writer, "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task A_file_its_owner_has_not_created_yet_is_left_alone_and_checkpointed_once_it_exists()
    {
        var file = Path.Combine(_directory, "later.db");
        var checkpointer = new SqliteWalCheckpointer([file], NullLogger<SqliteWalCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Until(() => checkpointer.Rounds >= 2, TimeSpan.FromSeconds(20), "two rounds over a missing file");
            Assert.False(File.Exists(file)); // never created by the checkpointer

            using var writer = CreateDatabaseWithRowsInTheLogOnly(file);
            var databaseBytesBefore = new FileInfo(file).Length;
            await Eventually.Until(() => new FileInfo(file).Length > databaseBytesBefore + 500_000, TimeSpan.FromSeconds(20),
                "the database file holds the rows the log had");
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>2,000 rows of 300 bytes, committed, all still in the write-ahead log: the writer never checkpoints.</summary>
    private static SqliteConnection CreateDatabaseWithRowsInTheLogOnly(string file)
    {
        var writer = new SqliteConnection($"Data Source={file};Pooling=False");
        writer.Open();
        Execute(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB);");
        Execute(writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT i, zeroblob(300) FROM n;");
        Assert.True(new FileInfo(file + "-wal").Length > 500_000, "the rows are in the write-ahead log");
        return writer;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
