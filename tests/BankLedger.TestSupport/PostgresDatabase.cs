using Npgsql;

namespace BankLedger.TestSupport;

/// <summary>
/// Access to the throwaway PostgreSQL server started by <c>scripts/test.sh</c>.
/// The base connection string comes from <c>BANKLEDGER_TEST_POSTGRES</c>; when it is absent,
/// every PostgreSQL-backed test fails (it is never silently skipped).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "BANKLEDGER_TEST_POSTGRES";

    private int _disposed;

    private PostgresDatabase(string name, string connectionString, string baseConnectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        BaseConnectionString = baseConnectionString;
    }

    /// <summary>Name of the database created for this test.</summary>
    public string Name { get; }

    /// <summary>Connection string pointing at <see cref="Name"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>Connection string of the server's base database (the one the database was created from).</summary>
    public string BaseConnectionString { get; }

    /// <summary>
    /// The base connection string from <c>BANKLEDGER_TEST_POSTGRES</c>.
    /// Throws <see cref="InvalidOperationException"/> if it is not set.
    /// </summary>
    public static string BaseConnectionStringFromEnvironment
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set. PostgreSQL-backed tests need a server: " +
                    $"run scripts/test.sh, which starts PostgreSQL and sets {EnvironmentVariable}.");
            }

            return value;
        }
    }

    /// <summary>
    /// Creates a new, uniquely named, empty database and returns a connection string pointing at it.
    /// The caller owns the database; drop it with <see cref="DropDatabaseAsync(string)"/>,
    /// or use <see cref="CreateAsync(string, CancellationToken)"/> for a disposable wrapper.
    /// </summary>
    public static async Task<string> CreateFreshDatabaseAsync(string prefix)
    {
        var database = await CreateAsync(prefix).ConfigureAwait(false);
        return database.ConnectionString;
    }

    /// <summary>
    /// Creates a new, uniquely named, empty database; disposing the result drops it.
    /// </summary>
    public static async Task<PostgresDatabase> CreateAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var baseConnectionString = BaseConnectionStringFromEnvironment;
        var name = UniqueName(prefix);

        await using (var connection = new NpgsqlConnection(baseConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {QuoteIdentifier(name)}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var builder = new NpgsqlConnectionStringBuilder(baseConnectionString) { Database = name };
        return new PostgresDatabase(name, builder.ConnectionString, baseConnectionString);
    }

    /// <summary>
    /// Drops the database a connection string (as returned by <see cref="CreateFreshDatabaseAsync"/>) points at.
    /// Open connections to it are terminated first.
    /// </summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        }

        var baseConnectionString = BaseConnectionStringFromEnvironment;
        if (string.Equals(new NpgsqlConnectionStringBuilder(baseConnectionString).Database, name, StringComparison.Ordinal))
        {
            throw new ArgumentException("Refusing to drop the base test database.", nameof(connectionString));
        }

        await DropAsync(baseConnectionString, connectionString, name).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DropAsync(BaseConnectionString, ConnectionString, Name).ConfigureAwait(false);
    }

    public override string ToString() => Name;

    private static async Task DropAsync(string baseConnectionString, string databaseConnectionString, string name)
    {
        // Pooled idle connections to the database would block DROP DATABASE.
        using (var pooled = new NpgsqlConnection(databaseConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)";
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static string UniqueName(string prefix)
    {
        // PostgreSQL identifiers are at most 63 bytes; keep the prefix readable and the suffix unique.
        var cleaned = new string(prefix.ToLowerInvariant()
            .Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_')
            .ToArray());
        if (cleaned.Length == 0 || char.IsDigit(cleaned[0]))
        {
            cleaned = "t_" + cleaned;
        }

        if (cleaned.Length > 30)
        {
            cleaned = cleaned[..30];
        }

        return $"{cleaned}_{Guid.NewGuid():N}";
    }

    private static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
