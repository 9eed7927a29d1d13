using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BankLedger.ReadStore.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and re-bound for every row. The writer's hot path uses
/// SQLite's own API (through SQLitePCLRaw, which Microsoft.Data.Sqlite is built on) because binding by index
/// without ADO.NET's per-execution reader and name lookups is several times cheaper per event.
/// Statements run on the same connection handle, so they take part in whatever transaction is open on it.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    // "O" for DateTimeOffset is 33 characters; leave room.
    private const int TimeBufferLength = 48;

    // Ids, currency codes and event types fit on the stack; longer text (a reference) goes through a pooled array.
    private const int StackTextLength = 512;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) =>
        Check(value.HasValue ? raw.sqlite3_bind_int64(_statement, index, value.Value) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>
    /// Binds text as UTF-8, the database's own encoding. Bound as UTF-16, SQLite converted every value inside
    /// <c>sqlite3_step</c> (<c>sqlite3VdbeMemTranslate</c> plus a malloc/free per value): ~1.5% of the writer's
    /// CPU in a perf profile of a rebuild. Small, but free to avoid.
    /// </summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (maxBytes <= StackTextLength)
        {
            Span<byte> buffer = stackalloc byte[maxBytes];
            var written = Encoding.UTF8.GetBytes(value, buffer);
            Check(raw.sqlite3_bind_text(_statement, index, buffer[..written]));
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            Check(raw.sqlite3_bind_text(_statement, index, rented.AsSpan(0, written)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Binds a timestamp as ISO-8601 round-trip text (UTF-8) without allocating.</summary>
    public void Bind(int index, DateTimeOffset value)
    {
        Span<byte> buffer = stackalloc byte[TimeBufferLength];
        if (!value.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"cannot format {value:O}");
        }

        Check(raw.sqlite3_bind_text(_statement, index, buffer[..written]));
    }

    /// <summary>Runs a statement that returns no rows, then resets it for the next use.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Steps once; true when a row is available. Call <see cref="Reset"/> when done reading.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            try
            {
                Check(rc);
            }
            finally
            {
                raw.sqlite3_reset(_statement);
            }
        }

        return false;
    }

    public void Reset() => raw.sqlite3_reset(_statement);

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string? Text(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL
            ? null
            : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public void Dispose() => _statement.Dispose();

    /// <summary>Runs one SQL text (no parameters, no rows) on the connection.</summary>
    public static void Exec(sqlite3 db, string sql) => SqliteException.ThrowExceptionForRC(raw.sqlite3_exec(db, sql), db);

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);
}
