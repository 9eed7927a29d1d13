using System.Globalization;
using System.Text;
using BankLedger.Domain;
using BankLedger.Projections;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.MGet;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;

namespace BankLedger.ReadStore.Elasticsearch;

/// <summary>
/// The Elasticsearch read model: <c>{prefix}-accounts</c> (one document per account, id = account id),
/// <c>{prefix}-transactions</c> (one document per event of any type, id = <c>{account}:{sequence:D19}</c>) and
/// <c>{prefix}-checkpoints</c> (one document per projection), each an alias over a <c>-v1</c> index with a strict
/// mapping created by <see cref="InitializeAsync"/>.
/// <para>
/// <b>What replaces the atomic batch.</b> Elasticsearch has no multi-document transactions, so the port's
/// "views and checkpoint visible together" rule is kept through ordering plus external versioning instead:
/// </para>
/// <list type="number">
/// <item>Read the touched accounts' documents (real-time mget) and fold the batch onto them in memory, checking
/// contiguity first: a gap throws <see cref="ReadModelGapException"/> before anything is written.</item>
/// <item>Bulk-index the history documents with <c>refresh=true</c>, so they are searchable before step 3 makes the
/// account view claim them (an account document at sequence N therefore implies history 1..N is searchable,
/// which is what read-your-writes on history relies on: the API waits on the account view, then searches).
/// <c>true</c> rather than <c>wait_for</c>: wait_for parks each bulk until the next scheduled refresh (1 s by
/// default), which would cap a sequential projection at about one batch a second and add up to a second to every
/// read-your-writes wait; <c>true</c> refreshes only the shards that just received documents, at once. The cost,
/// one small segment per batch, is what the background merges are for at batch sizes of hundreds of documents.
/// History can be briefly <i>ahead</i> of the view (a failure between 2 and 3); the retry closes that.</item>
/// <item>Bulk-index the account documents (GET by id is real-time: no refresh needed).</item>
/// <item>Index the checkpoint document, only after 2 and 3 fully succeeded.</item>
/// </list>
/// <para>
/// Every document is written with <c>version_type=external</c> and version = the event's sequence (the account's
/// new last sequence for account documents, the tag offset for checkpoints). Elasticsearch accepts such a write
/// only if the version is strictly higher than the stored one, so a stale or replayed write answers 409
/// <c>version_conflict_engine_exception</c> and changes nothing; the store treats that as "already newer". Any
/// other item error fails the whole call (the projection restarts with backoff; nothing is silently dropped).
/// </para>
/// <para>
/// <b>Delivery.</b> The checkpoint lags the views, never leads them: it is written last and only after every
/// document of the batch is confirmed. A crash (or failure) anywhere before that leaves the old checkpoint, so the
/// projection re-reads and re-applies the batch - at-least-once delivery. Re-application is harmless: step 1 skips
/// sequences the account documents already hold, and any document rewritten anyway (e.g. history written by a
/// batch whose account update then failed) carries the same version, is rejected as a conflict and keeps its
/// identical content. At-least-once delivery with idempotent, version-guarded writes gives an exactly-once
/// <i>effect</i>: each event changes a view once, no event is lost, and a late or concurrent writer (e.g. an old
/// projection instance during failover) can never move a view or a checkpoint backwards. The checkpoint lives in
/// Elasticsearch itself (not the journal database) precisely because its correctness does not need atomicity
/// with the views, only "written after them"; keeping it next to the data means wiping the indices also resets it.
/// </para>
/// <para>
/// <b>Unavailability.</b> Every call is bounded (<see cref="ElasticsearchReadStoreOptions.RequestTimeout"/> for
/// reads, <see cref="ElasticsearchReadStoreOptions.WriteTimeout"/> for bulks); no answer, a timeout, a 5xx or a
/// 429 becomes <see cref="ReadStoreUnavailableException"/>.
/// </para>
/// </summary>
public sealed class ElasticsearchReadStore : IReadStore, IAsyncDisposable, IDisposable
{
    private const string VersionConflict = "version_conflict_engine_exception";
    private const string IndexNotFound = "index_not_found_exception";
    private const string StatusOpen = "open";
    private const string StatusLocked = "locked";

    /// <summary>Largest history page: one more hit than this is fetched, and a search may return at most
    /// <c>index.max_result_window</c> (10,000) hits. The API caps pages far lower (500).</summary>
    public const int MaxPageSize = 9_999;

    /// <summary>Extra time granted over the transport's own timeout before the call is cut off locally.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    private readonly ElasticsearchClientSettings _settings;
    private readonly ElasticsearchClient _client;
    private readonly IndexDefinitions _indices;
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _writeTimeout;
    private readonly RequestConfiguration _readConfiguration;
    private readonly RequestConfiguration _writeConfiguration;
    private readonly TimeProvider _clock;
    private int _disposed;

    public ElasticsearchReadStore(ElasticsearchReadStoreOptions options)
        : this(options, TimeProvider.System)
    {
    }

    public ElasticsearchReadStore(ElasticsearchReadStoreOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        if (options.Urls is not { Count: > 0 })
        {
            throw new ArgumentException("At least one Elasticsearch URL is required.", nameof(options));
        }

        ValidatePrefix(options.IndexPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.WriteTimeout, TimeSpan.Zero);

        _clock = clock;
        _readTimeout = options.RequestTimeout;
        _writeTimeout = options.WriteTimeout;
        _indices = new IndexDefinitions(options.IndexPrefix);
        IndexPrefix = options.IndexPrefix;

        NodePool pool = options.Urls.Count == 1
            ? new SingleNodePool(options.Urls[0])
            : new StaticNodePool(options.Urls.Select(u => new Node(u)));
        _settings = new ElasticsearchClientSettings(pool)
            .RequestTimeout(options.RequestTimeout)
            .MaxRetryTimeout(options.RequestTimeout)
            // A ping before retrying a node marked dead would add its own wait on top of the request timeout.
            .DisablePing()
            .ThrowExceptions(false);
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            _settings = _settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            _settings = _settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        }

        if (!string.IsNullOrWhiteSpace(options.CertificateFingerprint))
        {
            _settings = _settings.CertificateFingerprint(options.CertificateFingerprint);
        }

        _client = new ElasticsearchClient(_settings);
        _readConfiguration = new RequestConfiguration { RequestTimeout = _readTimeout, MaxRetryTimeout = _readTimeout };
        _writeConfiguration = new RequestConfiguration { RequestTimeout = _writeTimeout, MaxRetryTimeout = _writeTimeout };
    }

    public string IndexPrefix { get; }

    /// <summary>The alias reads and writes of account views go through (<c>{prefix}-accounts</c>).</summary>
    public string AccountsAlias => _indices.Accounts.Alias;

    /// <summary>The alias of the history documents (<c>{prefix}-transactions</c>).</summary>
    public string TransactionsAlias => _indices.Transactions.Alias;

    /// <summary>The alias of the checkpoint documents (<c>{prefix}-checkpoints</c>).</summary>
    public string CheckpointsAlias => _indices.Checkpoints.Alias;

    /// <summary>Every concrete index the store creates (for cleanup in tests and operations).</summary>
    public IReadOnlyList<string> ConcreteIndices => _indices.All.Select(i => i.Index).ToArray();

    /// <summary>Creates each index with its mapping and alias unless the alias already exists. Idempotent and safe
    /// against a concurrent creator (another node starting at the same moment).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        foreach (var definition in _indices.All)
        {
            var exists = await CallAsync(
                "check alias " + definition.Alias,
                _writeTimeout, // once per start, not on a request's path: a cold or busy cluster is waited for
                token => _client.Indices.ExistsAliasAsync(
                    new ExistsAliasRequest(Names.Parse(definition.Alias)) { RequestConfiguration = _writeConfiguration }, token),
                cancellationToken).ConfigureAwait(false);
            ThrowIfUnavailable(exists, "check alias " + definition.Alias);
            if (exists.ApiCallDetails.HttpStatusCode == 200)
            {
                continue;
            }

            var request = definition.CreateRequest();
            request.RequestConfiguration = _writeConfiguration;
            var created = await CallAsync(
                "create index " + definition.Index,
                _writeTimeout,
                token => _client.Indices.CreateAsync(request, token),
                cancellationToken).ConfigureAwait(false);
            ThrowIfUnavailable(created, "create index " + definition.Index);
            if (created.ApiCallDetails.HasSuccessfulStatusCode
                || ErrorType(created) == "resource_already_exists_exception")
            {
                continue; // created now, or by a concurrent initializer (index creation with aliases is atomic)
            }

            throw Failed("create index " + definition.Index, created);
        }
    }

    public async Task<long> LoadCheckpointAsync(string projectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectionId);
        ThrowIfDisposed();
        var what = $"load checkpoint '{projectionId}'";
        var response = await CallAsync(
            what,
            _readTimeout,
            token => _client.GetAsync<CheckpointDocument>(
                new GetRequest(_indices.Checkpoints.Alias, projectionId) { RequestConfiguration = _readConfiguration }, token),
            cancellationToken).ConfigureAwait(false);
        ThrowIfUnavailable(response, what);
        if (response.ApiCallDetails.HttpStatusCode == 404 && ErrorType(response) is null)
        {
            return 0;
        }

        EnsureSuccess(response, what);
        return response.Found && response.Source is { } source ? source.Offset : 0;
    }

    public async Task<IReadOnlyDictionary<AccountId, long>> LoadLastSequencesAsync(
        IReadOnlyCollection<AccountId> accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ThrowIfDisposed();
        var documents = await LoadAccountsAsync(accounts.Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        return documents.ToDictionary(d => d.Key, d => d.Value.LastSequence);
    }

    public async Task ApplyAsync(ReadModelBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var checkpoint in batch.Checkpoints) ArgumentException.ThrowIfNullOrEmpty(checkpoint.ProjectionId);
        ThrowIfDisposed();

        // 1. Fold in memory; gaps and impossible transitions throw here, before any write.
        var fold = await FoldAsync(batch.Events, cancellationToken).ConfigureAwait(false);
        await WriteAsync(fold, batch.Checkpoints, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Steps 2-4 of <see cref="ApplyAsync"/>: writes what <see cref="FoldAsync"/> computed. Separate so tests can
    /// replay a fold computed from an older state (a stale writer) and see external versioning reject it.
    /// </summary>
    internal async Task WriteAsync(Fold fold, IReadOnlyList<ProjectionCheckpoint> checkpoints, CancellationToken cancellationToken)
    {
        // 2. History, searchable before any account view refers to it.
        if (fold.Transactions.Count > 0)
        {
            var operations = new BulkOperationsCollection();
            foreach (var t in fold.Transactions)
            {
                operations.Add(new BulkIndexOperation<TransactionDocument>(t)
                {
                    Id = TransactionId(t.AccountId, t.Sequence),
                    Version = t.Sequence,
                    VersionType = VersionType.External,
                });
            }

            await BulkAsync(_indices.Transactions.Alias, operations, Refresh.True, cancellationToken).ConfigureAwait(false);
        }

        // 3. Account views (real-time GET sees them without a refresh).
        if (fold.Accounts.Count > 0)
        {
            var operations = new BulkOperationsCollection();
            foreach (var a in fold.Accounts)
            {
                operations.Add(new BulkIndexOperation<AccountDocument>(a)
                {
                    Id = a.AccountId,
                    Version = a.LastSequence,
                    VersionType = VersionType.External,
                });
            }

            await BulkAsync(_indices.Accounts.Alias, operations, null, cancellationToken).ConfigureAwait(false);
        }

        // 4. The checkpoints, last. Offset 0 is what an absent checkpoint reads as: nothing to store. Versioned by
        //    offset, so a checkpoint never moves backwards (a conflict means it is already further).
        var stored = checkpoints.Where(c => c.Offset > 0).ToList();
        if (stored.Count > 0)
        {
            var operations = new BulkOperationsCollection();
            var updatedAt = FormatTime(_clock.GetUtcNow());
            foreach (var checkpoint in stored)
            {
                var document = new CheckpointDocument { ProjectionId = checkpoint.ProjectionId, Offset = checkpoint.Offset, UpdatedAt = updatedAt };
                operations.Add(new BulkIndexOperation<CheckpointDocument>(document)
                {
                    Id = checkpoint.ProjectionId,
                    Version = checkpoint.Offset,
                    VersionType = VersionType.External,
                });
            }

            await BulkAsync(_indices.Checkpoints.Alias, operations, null, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<AccountView?> GetAccountAsync(AccountId account, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var what = $"get account '{account}'";
        var response = await CallAsync(
            what,
            _readTimeout,
            token => _client.GetAsync<AccountDocument>(
                new GetRequest(_indices.Accounts.Alias, account.Value) { RequestConfiguration = _readConfiguration }, token),
            cancellationToken).ConfigureAwait(false);
        ThrowIfUnavailable(response, what);
        if (response.ApiCallDetails.HttpStatusCode == 404 && ErrorType(response) is null)
        {
            return null;
        }

        EnsureSuccess(response, what);
        return response.Found && response.Source is { } source ? ToView(account, source) : null;
    }

    public async Task<TransactionPage> GetTransactionsAsync(
        AccountId account, int limit, long? beforeSequence, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        ThrowIfDisposed();
        var what = $"search history of '{account}'";
        var request = new SearchRequest(_indices.Transactions.Alias)
        {
            RequestConfiguration = _readConfiguration,
            // One hit more than asked tells whether another page exists.
            Size = limit + 1,
            Query = new Elastic.Clients.Elasticsearch.QueryDsl.TermQuery { Field = "account_id", Value = account.Value },
            Sort = [new SortOptions { Field = new FieldSort { Field = "sequence", Order = SortOrder.Desc } }],
            TrackTotalHits = new TrackHits(false),
        };
        if (beforeSequence is { } before)
        {
            // Newest first, so "after" in sort order means a lower sequence: exactly the exclusive cursor.
            request.SearchAfter = [FieldValue.Long(before)];
        }

        var response = await CallAsync(
            what, _readTimeout, token => _client.SearchAsync<TransactionDocument>(request, token), cancellationToken)
            .ConfigureAwait(false);
        ThrowIfUnavailable(response, what);
        EnsureSuccess(response, what);
        if (response.Shards is { Failed: > 0 } shards)
        {
            // A partial answer would silently show a shortened history: refuse it.
            throw new ReadStoreUnavailableException(
                $"Elasticsearch could not {what}: {shards.Failed} of {shards.Total} shards failed.");
        }

        var items = new List<TransactionView>(Math.Min(limit, 256));
        var more = false;
        foreach (var hit in response.Hits)
        {
            if (items.Count == limit)
            {
                more = true;
                break;
            }

            var source = hit.Source ?? throw new InvalidOperationException($"History document '{hit.Id}' has no _source.");
            items.Add(ToView(account, source));
        }

        return new TransactionPage(items, more ? items[^1].Sequence : null);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ((IDisposable)_settings).Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The id of the history document of <paramref name="account"/> at <paramref name="sequence"/>;
    /// zero-padded so ids sort like sequences.</summary>
    public static string TransactionId(string account, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{account}:{sequence:D19}");

    private async Task<Dictionary<AccountId, AccountDocument>> LoadAccountsAsync(
        IReadOnlyList<AccountId> accounts, CancellationToken cancellationToken)
    {
        var result = new Dictionary<AccountId, AccountDocument>(accounts.Count);
        if (accounts.Count == 0)
        {
            return result;
        }

        var what = $"load {accounts.Count} account views";
        var response = await CallAsync(
            what,
            _readTimeout,
            token => _client.MultiGetAsync<AccountDocument>(
                new MultiGetRequest(_indices.Accounts.Alias)
                {
                    RequestConfiguration = _readConfiguration,
                    Ids = new Ids(accounts.Select(a => new Id(a.Value))),
                    Realtime = true,
                },
                token),
            cancellationToken).ConfigureAwait(false);
        ThrowIfUnavailable(response, what);
        EnsureSuccess(response, what);

        foreach (var item in response.Docs)
        {
            if (item.Value2 is { } failure)
            {
                // An item-level failure is a shard that could not answer: transient, never "no such account".
                throw new ReadStoreUnavailableException(
                    $"Elasticsearch could not {what}: account '{failure.Id}': {failure.Error?.Type}: {failure.Error?.Reason}.");
            }

            if (item.Value1 is { Found: true, Source: { } source } get)
            {
                result[AccountId.Parse(get.Id)] = source;
            }
        }

        return result;
    }

    /// <summary>Step 1 of <see cref="ApplyAsync"/>: reads the touched views and folds the batch onto them in memory.</summary>
    internal async Task<Fold> FoldAsync(IReadOnlyList<SequencedEvent> events, CancellationToken cancellationToken)
    {
        var fold = new Fold();
        if (events.Count == 0)
        {
            return fold;
        }

        var touched = new List<AccountId>();
        var seen = new HashSet<AccountId>();
        foreach (var e in events)
        {
            if (seen.Add(e.Event.AccountId))
            {
                touched.Add(e.Event.AccountId);
            }
        }

        var stored = await LoadAccountsAsync(touched, cancellationToken).ConfigureAwait(false);
        var views = new Dictionary<AccountId, AccountView?>(touched.Count);
        foreach (var account in touched)
        {
            views[account] = stored.TryGetValue(account, out var document) ? ToView(account, document) : null;
        }

        var dirty = new HashSet<AccountId>();
        foreach (var (sequence, @event) in events)
        {
            if (AccountViewFold.Apply(views[@event.AccountId], sequence, @event) is not { } applied)
            {
                continue; // already applied: idempotent replay
            }

            views[@event.AccountId] = applied.View;
            dirty.Add(@event.AccountId);
            fold.Transactions.Add(ToDocument(applied.Entry));
        }

        foreach (var account in touched)
        {
            if (dirty.Contains(account) && views[account] is { } view)
            {
                fold.Accounts.Add(ToDocument(view));
            }
        }

        return fold;
    }

    private async Task BulkAsync(
        string alias, BulkOperationsCollection operations, Refresh? refresh, CancellationToken cancellationToken)
    {
        var what = $"bulk-index {operations.Count} documents into {alias}";
        var request = new BulkRequest(alias)
        {
            RequestConfiguration = _writeConfiguration,
            Operations = operations,
            Refresh = refresh,
            // Writes must land in the index behind the alias, never auto-create an index named like the alias.
            RequireAlias = true,
        };
        var response = await CallAsync(what, _writeTimeout, token => _client.BulkAsync(request, token), cancellationToken)
            .ConfigureAwait(false);
        ThrowIfUnavailable(response, what);
        if (!response.ApiCallDetails.HasSuccessfulStatusCode)
        {
            throw Failed(what, response);
        }

        if (response.Items.Count != operations.Count)
        {
            throw new InvalidOperationException(
                $"Elasticsearch answered {response.Items.Count} items to {what}; expected {operations.Count}.");
        }

        if (!response.Errors)
        {
            return;
        }

        var failures = new List<string>();
        var transient = true;
        foreach (var item in response.Items)
        {
            if (item.Error is null || (item.Status == 409 && item.Error.Type == VersionConflict))
            {
                continue; // written, or the stored document is already at this version or newer
            }

            transient &= item.Status is >= 500 or 429;
            if (failures.Count < 5)
            {
                failures.Add($"[{item.Id}] {item.Status} {item.Error.Type}: {item.Error.Reason}");
            }
            else if (failures.Count == 5)
            {
                failures.Add("...");
            }
        }

        if (failures.Count == 0)
        {
            return;
        }

        var message = $"Elasticsearch rejected items of {what}: {string.Join("; ", failures)}";
        throw transient ? new ReadStoreUnavailableException(message) : new InvalidOperationException(message);
    }


    /// <summary>
    /// Runs one client call under a local deadline slightly longer than the transport's own timeout, so the call
    /// is bounded even if the transport's timeout did not fire. Cancellation by the caller stays cancellation;
    /// the deadline, and failures to reach the cluster at all, become <see cref="ReadStoreUnavailableException"/>.
    /// </summary>
    private static async Task<T> CallAsync<T>(
        string what, TimeSpan timeout, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout + Grace);
        try
        {
            var response = await call(deadline.Token).ConfigureAwait(false);
            // The transport may report a cancelled request as a response without status: the caller's own
            // cancellation must stay a cancellation, not turn into "unavailable".
            cancellationToken.ThrowIfCancellationRequested();
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReadStoreUnavailableException($"Elasticsearch did not answer ({what}) within {timeout.TotalMilliseconds:0} ms.", e);
        }
        catch (Exception e) when ((e is TransportException or HttpRequestException or IOException) && !cancellationToken.IsCancellationRequested)
        {
            throw new ReadStoreUnavailableException($"Elasticsearch could not be reached ({what}): {e.Message}", e);
        }
    }

    /// <summary>No answer, a timeout, 5xx or 429: the cluster is unreachable, overloaded or unhealthy.</summary>
    private static void ThrowIfUnavailable(ElasticsearchResponse response, string what)
    {
        var details = response.ApiCallDetails;
        var status = details.HttpStatusCode;
        if (status is null)
        {
            var cause = details.OriginalException;
            throw new ReadStoreUnavailableException(
                $"Elasticsearch could not be reached ({what}): {cause?.Message ?? "no response"}", cause);
        }

        if (status is >= 500 or 429)
        {
            throw new ReadStoreUnavailableException(
                $"Elasticsearch answered {status} ({what}): {ErrorType(response)} {ErrorReason(response)}".TrimEnd(),
                details.OriginalException);
        }

        if (status == 404 && ErrorType(response) == IndexNotFound)
        {
            // The indices are gone (or InitializeAsync never ran against this cluster): no read model to serve.
            throw new ReadStoreUnavailableException(
                $"Elasticsearch has no read-model index ({what}): {ErrorReason(response)}. Run InitializeAsync (restart the node).",
                details.OriginalException);
        }
    }

    private static void EnsureSuccess(ElasticsearchResponse response, string what)
    {
        if (!response.ApiCallDetails.HasSuccessfulStatusCode)
        {
            throw Failed(what, response);
        }
    }

    private static InvalidOperationException Failed(string what, ElasticsearchResponse response)
    {
        var details = response.ApiCallDetails;
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Elasticsearch refused to {what}: HTTP {details.HttpStatusCode}");
        if (ErrorType(response) is { } type)
        {
            message.Append(CultureInfo.InvariantCulture, $" {type}: {ErrorReason(response)}");
        }

        return new InvalidOperationException(message.ToString(), details.OriginalException);
    }

    private static string? ErrorType(ElasticsearchResponse response) => response.ElasticsearchServerError?.Error?.Type;

    private static string? ErrorReason(ElasticsearchResponse response) => response.ElasticsearchServerError?.Error?.Reason;

    private static AccountView ToView(AccountId account, AccountDocument d) => new(
        account,
        Currency.Parse(d.Currency),
        d.Status == StatusLocked ? AccountStatus.Locked : AccountStatus.Open,
        d.BalanceCents,
        d.OverdraftLimitCents,
        d.Owner,
        d.LastSequence,
        ParseTime(d.OpenedAt),
        ParseTime(d.LastUpdatedAt));

    private static AccountDocument ToDocument(AccountView v) => new()
    {
        AccountId = v.AccountId.Value,
        Currency = v.Currency.Code,
        Status = v.Status == AccountStatus.Locked ? StatusLocked : StatusOpen,
        BalanceCents = v.BalanceCents,
        OverdraftLimitCents = v.OverdraftLimitCents,
        Owner = v.Owner,
        LastSequence = v.LastSequence,
        OpenedAt = FormatTime(v.OpenedAt),
        LastUpdatedAt = FormatTime(v.LastUpdatedAt),
    };

    private static TransactionDocument ToDocument(TransactionView t) => new()
    {
        AccountId = t.AccountId.Value,
        Sequence = t.Sequence,
        EventType = t.EventType,
        AmountCents = t.AmountCents,
        Currency = t.Currency.Code,
        Reference = t.Reference,
        BalanceAfterCents = t.BalanceAfterCents,
        CommandId = t.CommandId.Value,
        OccurredAt = FormatTime(t.OccurredAt),
        ClientCreatedAt = FormatTime(t.ClientCreatedAt),
    };

    private static TransactionView ToView(AccountId account, TransactionDocument d) => new(
        account,
        d.Sequence,
        d.EventType,
        d.AmountCents,
        Currency.Parse(d.Currency),
        d.Reference,
        d.BalanceAfterCents,
        CommandId.Parse(d.CommandId),
        ParseTime(d.OccurredAt),
        ParseTime(d.ClientCreatedAt));

    /// <summary>Round-trip ISO-8601 with 7 fractional digits and the original offset (valid for date and date_nanos).</summary>
    private static string FormatTime(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);

    private static void ValidatePrefix(string prefix)
    {
        // Elasticsearch index names: lowercase, no \ / * ? " < > | , # : or space, not starting with - _ + or '.'.
        var ok = !string.IsNullOrEmpty(prefix) && prefix.Length <= 200
            && prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.')
            && prefix[0] is not ('-' or '_' or '.');
        if (!ok)
        {
            throw new ArgumentException(
                $"Index prefix '{prefix}' is not usable: lowercase letters, digits, '-', '_' and '.' only, not starting with '-', '_' or '.'.",
                nameof(prefix));
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>The documents one batch writes: new history entries and the changed account views.</summary>
    internal sealed class Fold
    {
        public List<TransactionDocument> Transactions { get; } = [];
        public List<AccountDocument> Accounts { get; } = [];
    }
}
