using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;

namespace BankLedger.ReadStore.Elasticsearch;

/// <summary>
/// The indices the store owns. Each is a versioned concrete index behind a stable alias: reads and writes go
/// through the alias only, so a future mapping change is "create <c>-v2</c>, reindex, swap the alias" without
/// touching the code paths. Mappings are explicit and <c>dynamic: strict</c>: no field is ever guessed (a
/// dynamically mapped number could become a float; money here is always <c>long</c> minor units).
/// </summary>
internal sealed class IndexDefinitions
{
    public IndexDefinitions(string prefix)
    {
        Accounts = new IndexDefinition($"{prefix}-accounts-v1", $"{prefix}-accounts", AccountsMapping());
        Transactions = new IndexDefinition($"{prefix}-transactions-v1", $"{prefix}-transactions", TransactionsMapping());
        Checkpoints = new IndexDefinition($"{prefix}-checkpoints-v1", $"{prefix}-checkpoints", CheckpointsMapping());
    }

    public IndexDefinition Accounts { get; }
    public IndexDefinition Transactions { get; }
    public IndexDefinition Checkpoints { get; }

    public IEnumerable<IndexDefinition> All => [Accounts, Transactions, Checkpoints];

    // Times are "date" (millisecond doc values, range 292 million years around 1970): the client's claimed
    // creation time is any RFC 3339 instant from year 1, which date_nanos (1970..2262) could not hold, so all
    // times share one type. The sub-millisecond digits are not lost: _source keeps the exact round-trip string
    // (7 fractional digits + offset) and reads come from _source; only range queries see milliseconds.
    // strict_date_optional_time parses up to 9 fractional digits.
    private const string DateFormat = "strict_date_optional_time";

    private static TypeMapping AccountsMapping() => new()
    {
        Dynamic = DynamicMapping.Strict,
        Properties = new Properties
        {
            { "account_id", new KeywordProperty() },
            { "currency", new KeywordProperty() },
            { "status", new KeywordProperty() },
            { "balance_cents", new LongNumberProperty() },
            { "overdraft_limit_cents", new LongNumberProperty() },
            { "owner", new KeywordProperty() },
            { "last_sequence", new LongNumberProperty() },
            { "opened_at", new DateProperty { Format = DateFormat } },
            { "last_updated_at", new DateProperty { Format = DateFormat } },
        },
    };

    private static TypeMapping TransactionsMapping() => new()
    {
        Dynamic = DynamicMapping.Strict,
        Properties = new Properties
        {
            { "account_id", new KeywordProperty() },
            { "sequence", new LongNumberProperty() },
            { "event_type", new KeywordProperty() },
            { "amount_cents", new LongNumberProperty() },
            { "currency", new KeywordProperty() },
            // Free text for search, plus an exact keyword for filters/aggregations (references are <= 256 chars).
            { "reference", new TextProperty { Fields = new Properties { { "keyword", new KeywordProperty { IgnoreAbove = 1024 } } } } },
            { "balance_after_cents", new LongNumberProperty() },
            { "command_id", new KeywordProperty() },
            { "occurred_at", new DateProperty { Format = DateFormat } },
            { "client_created_at", new DateProperty { Format = DateFormat } },
        },
    };

    private static TypeMapping CheckpointsMapping() => new()
    {
        Dynamic = DynamicMapping.Strict,
        Properties = new Properties
        {
            { "projection_id", new KeywordProperty() },
            { "offset", new LongNumberProperty() },
            { "updated_at", new DateProperty { Format = DateFormat } },
        },
    };
}

/// <summary>A concrete index (<see cref="Index"/>) with its alias and mapping.</summary>
internal sealed record IndexDefinition(string Index, string Alias, TypeMapping Mapping)
{
    public CreateIndexRequest CreateRequest() => new(Index)
    {
        Mappings = Mapping,
        Aliases = new Dictionary<Name, Alias> { [Alias] = new Alias { IsWriteIndex = true } },
    };
}
