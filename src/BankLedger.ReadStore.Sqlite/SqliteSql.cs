namespace BankLedger.ReadStore.Sqlite;

/// <summary>Schema and statements of the SQLite read model. Timestamps are ISO-8601 round-trip text ("O").</summary>
internal static class SqliteSql
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS accounts (
            account_id            TEXT    NOT NULL PRIMARY KEY,
            currency              TEXT    NOT NULL,
            status                TEXT    NOT NULL CHECK (status IN ('open', 'locked')),
            balance_cents         INTEGER NOT NULL,
            overdraft_limit_cents INTEGER NOT NULL,
            owner                 TEXT    NULL,
            last_sequence         INTEGER NOT NULL,
            opened_at             TEXT    NOT NULL,
            last_updated_at       TEXT    NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS transactions (
            account_id          TEXT    NOT NULL,
            sequence            INTEGER NOT NULL,
            event_type          TEXT    NOT NULL,
            amount_cents        INTEGER NULL,
            currency            TEXT    NOT NULL,
            reference           TEXT    NULL,
            balance_after_cents INTEGER NOT NULL,
            command_id          TEXT    NOT NULL,
            occurred_at         TEXT    NOT NULL,
            client_created_at   TEXT    NOT NULL,
            PRIMARY KEY (account_id, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints (
            projection_id TEXT    NOT NULL PRIMARY KEY,
            "offset"      INTEGER NOT NULL
        );
        """;

    // Statements run through the raw SQLite API (the writer's, and the balance lookups) bind by position (?N);
    // see RawStatement.

    public const string RawSelectAccount = """
        SELECT currency, status, balance_cents, overdraft_limit_cents, owner, last_sequence, opened_at, last_updated_at
        FROM accounts WHERE account_id = ?1
        """;

    public const string WriterUpsertAccount = """
        INSERT INTO accounts (account_id, currency, status, balance_cents, overdraft_limit_cents, owner,
                              last_sequence, opened_at, last_updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        ON CONFLICT (account_id) DO UPDATE SET
            currency = excluded.currency,
            status = excluded.status,
            balance_cents = excluded.balance_cents,
            overdraft_limit_cents = excluded.overdraft_limit_cents,
            owner = excluded.owner,
            last_sequence = excluded.last_sequence,
            opened_at = excluded.opened_at,
            last_updated_at = excluded.last_updated_at
        """;

    public const string WriterInsertTransaction = """
        INSERT INTO transactions (account_id, sequence, event_type, amount_cents, currency, reference,
                                  balance_after_cents, command_id, occurred_at, client_created_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """;

    /// <summary>Checkpoints never move backwards: a late or replayed batch keeps the larger offset.</summary>
    public const string WriterUpsertCheckpoint = """
        INSERT INTO checkpoints (projection_id, "offset") VALUES (?1, ?2)
        ON CONFLICT (projection_id) DO UPDATE SET "offset" = max("offset", excluded."offset")
        """;

    public const string SelectCheckpoint = """
        SELECT "offset" FROM checkpoints WHERE projection_id = $projection_id
        """;

    public const string SelectLastSequence = """
        SELECT last_sequence FROM accounts WHERE account_id = $account_id
        """;

    public const string SelectTransactionsPage = """
        SELECT sequence, event_type, amount_cents, currency, reference, balance_after_cents, command_id,
               occurred_at, client_created_at
        FROM transactions
        WHERE account_id = $account_id AND sequence < $before
        ORDER BY sequence DESC
        LIMIT $limit
        """;
}
