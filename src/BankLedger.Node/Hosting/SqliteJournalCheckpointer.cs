using Microsoft.Data.Sqlite;

namespace BankLedger.Node.Hosting;

/// <summary>
/// Moves the SQLite journal's write-ahead log into the database file in the background, so that no command
/// waits for it.
/// </summary>
/// <remarks>
/// By default the connection whose commit pushes the log past 1,000 pages copies the log into the database
/// and fsyncs it, inside that commit. That connection is the journal's single writer, so every command queued
/// behind it waited too: on a journal of a million events (index pages scattered, so each commit dirties many)
/// commits took half the writer's time and write latency collapsed at 1,000 commands/s. A passive checkpoint
/// from this separate connection does the same work without blocking the writer or readers, and keeps the log
/// short enough that the writer's own automatic checkpoint never triggers. Durability is unchanged: a commit
/// is durable once its log frames are fsynced (synchronous=FULL), before and after this runs.
/// </remarks>
internal sealed class SqliteJournalCheckpointer(NodeSettings settings, ILogger<SqliteJournalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SqliteJournalPath is not { } path) return;
        try
        {
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync(stoppingToken);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await checkpoint.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (SqliteException e)
                {
                    // Busy or I/O trouble: the writer's own automatic checkpoint still guarantees progress.
                    logger.LogDebug(e, "Background checkpoint of the journal failed; retrying in {Interval}", Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Node stopping.
        }
    }
}
