using Microsoft.Data.Sqlite;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Moves the write-ahead logs of this node's busy SQLite files — the journal, and the read store where this node
/// projects into it — into their database files in the background, so that no command and no projection batch
/// waits for it.
/// </summary>
/// <remarks>
/// By default the connection whose commit pushes a log past its threshold copies the log into the database and
/// fsyncs it, inside that commit. Both files have a single writer, so everything queued behind that commit
/// waited too. Journal: on a million events (index pages scattered, so each commit dirties many) commits took
/// half the writer's time and write latency collapsed at 1,000 commands/s. Read store: its writer checkpoints
/// only every ~40 MB of log (fewer, larger copies suit a rebuild), which at 1,000 events/s is a copy of
/// thousands of pages every few seconds inside one projection batch, so a few hundred events per stall became
/// visible late: the lag P99. A passive checkpoint from a separate connection does the same work without
/// blocking the writer or readers, and keeps each log short enough that its writer's own automatic checkpoint
/// never triggers (it stays as the fallback). Durability is unchanged: a checkpoint only copies committed pages.
/// </remarks>
internal sealed class SqliteWalCheckpointer(IReadOnlyList<string> databaseFiles, ILogger<SqliteWalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private long _rounds;

    /// <summary>How many rounds over its files it has made (for tests).</summary>
    internal long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>The SQLite files with a busy single writer on this node (none: nothing to do).</summary>
    public static IReadOnlyList<string> FilesOf(NodeSettings settings)
    {
        var files = new List<string>();
        if (settings.SqliteJournalPath is { } journal) files.Add(journal);
        if (settings.ReadStoreProvider == ReadStoreProvider.Sqlite && settings.HasRole("projection")) files.Add(settings.ReadStorePath);
        return files;
    }

    // A thread of its own, not the thread pool: Microsoft.Data.Sqlite is synchronous under its async API, so a
    // checkpoint (page copies and an fsync, ~10 ms at 3,000 commands/s) held one of the node's four pool threads.
    // Measured at 3,000 deposits/s: every checkpoint stalled request handling for ~10 ms (the pool's queue grew to
    // 15-50 items every 200 ms), 20 of the ~25 bursts of writes slower than 10 ms in a 10 s step; on its own thread, 2-5.
    // (The loop ends when the token is cancelled, so the token is not passed to StartNew: Run always runs and returns.)
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var connections = new Dictionary<string, SqliteConnection>();
        try
        {
            while (!stoppingToken.WaitHandle.WaitOne(Interval))
            {
                foreach (var file in databaseFiles) Checkpoint(file, connections);
                Interlocked.Increment(ref _rounds);
            }
        }
        finally
        {
            foreach (var connection in connections.Values) connection.Dispose();
        }
    }

    private void Checkpoint(string file, Dictionary<string, SqliteConnection> connections)
    {
        try
        {
            if (!connections.TryGetValue(file, out var connection))
            {
                // ReadWrite, not ReadWriteCreate: the file's owner creates it (and sets WAL mode); until then, wait.
                connection = new SqliteConnection($"Data Source={file};Mode=ReadWrite;Pooling=False");
                connection.Open();
                connections[file] = connection;
            }
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            // Not created yet, busy, or I/O trouble: the writer's own automatic checkpoint still guarantees progress.
            logger.LogDebug(e, "Background checkpoint of {File} failed; retrying in {Interval}", file, Interval);
            if (connections.Remove(file, out var broken)) broken.Dispose();
        }
    }
}
