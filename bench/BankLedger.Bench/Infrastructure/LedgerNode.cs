using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BankLedger.Bench.Load;

namespace BankLedger.Bench.Infrastructure;

/// <summary>Counters of <c>GET /v1/admin/projection</c>.</summary>
internal sealed record ProjectionStatus(long Applied, long DuplicatesSkipped, long Repaired, long Batches, int LagSamples, double LagP50Ms, double LagP99Ms, double LagP999Ms, double LagMaxMs);

/// <summary>The node executable to run, and the environment variables to start it with.</summary>
internal sealed record NodeProgram(string Dll, IReadOnlyDictionary<string, string> Environment);

/// <summary>The ledger node under test: the real executable, its own process, its own data folder.</summary>
internal sealed class LedgerNode : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private LedgerNode(ChildProcess process, HttpClient client, string dataDirectory)
    {
        _process = process;
        Client = client;
        DataDirectory = dataDirectory;
    }

    /// <summary>The node's <c>Ledger:DataDirectory</c> (SQLite journal and read store, unless configured elsewhere).</summary>
    public string DataDirectory { get; }

    public Uri BaseAddress => _process.BaseAddress;

    /// <summary>Long-lived client for control calls and set-up (not the load generator's).</summary>
    public HttpClient Client { get; }

    public long StartedAt => _process.StartedAt;

    /// <summary>Launches the node; returns once the process runs (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public static LedgerNode Launch(
        NodeProgram node, string dataDirectory, string? postgresConnection, string? roles = null, IEnumerable<string>? extraArgs = null)
    {
        var args = new List<string> { $"--Ledger:DataDirectory={dataDirectory}" };
        args.AddRange(extraArgs ?? []);
        if (postgresConnection is not null)
        {
            args.Add("--Ledger:Journal:Provider=postgresql");
            args.Add($"--Ledger:Journal:ConnectionString={postgresConnection}");
        }
        if (roles is not null) args.Add($"--Ledger:Roles={roles}");
        var process = ChildProcess.Start("ledger node", node.Dll, args, new Dictionary<string, string>(node.Environment));
        var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        return new LedgerNode(process, client, dataDirectory);
    }

    public static async Task<(LedgerNode Node, double ReadySeconds)> StartAsync(
        NodeProgram program, string dataDirectory, string? postgresConnection, string? roles = null, IEnumerable<string>? extraArgs = null)
    {
        var node = Launch(program, dataDirectory, postgresConnection, roles, extraArgs);
        var ready = await node.WaitUntilReadyAsync();
        return (node, ready);
    }

    public Task<double> WaitUntilReadyAsync() => _process.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

    public async Task<ProjectionStatus?> TryProjectionStatusAsync()
    {
        try
        {
            using var response = await Client.GetAsync("/v1/admin/projection");
            if (!response.IsSuccessStatusCode) return null;
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            var root = json.RootElement;
            var lag = root.GetProperty("lag");
            return new ProjectionStatus(
                root.GetProperty("applied").GetInt64(), root.GetProperty("duplicates_skipped").GetInt64(),
                root.GetProperty("repaired").GetInt64(), root.GetProperty("batches").GetInt64(),
                lag.GetProperty("samples").GetInt32(), lag.GetProperty("p50_ms").GetDouble(), lag.GetProperty("p99_ms").GetDouble(),
                lag.GetProperty("p999_ms").GetDouble(), lag.GetProperty("max_ms").GetDouble());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<ProjectionStatus> ProjectionStatusAsync() =>
        await TryProjectionStatusAsync() ?? throw new InvalidOperationException("GET /v1/admin/projection failed");

    public async Task ResetLagAsync()
    {
        using var response = await Client.PostAsync("/v1/admin/projection/lag/reset", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Waits until the projection has applied at least <paramref name="events"/> events (or the deadline passes).</summary>
    public async Task<bool> WaitForAppliedAsync(long events, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var status = await TryProjectionStatusAsync();
            if (status is not null && status.Applied >= events) return true;
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>
    /// Opens accounts acc-00000.. with bounded concurrency (closed loop: set-up, not measurement).
    /// Retries 503s with the same command id (idempotent). Returns the number of events written.
    /// </summary>
    public async Task<int> OpenAccountsAsync(int count, string runTag, string createdAt, int concurrency = 128)
    {
        using var client = Requests.CreateClient(concurrency);
        var opened = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = Requests.Open(BaseAddress, $"open-{runTag}-{i}", Requests.AccountId(i), createdAt);
                using var response = await client.SendAsync(request, token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref opened);
                    return;
                }
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
                    throw new InvalidOperationException($"opening {Requests.AccountId(i)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
            }
        });
        return opened;
    }

    /// <summary>
    /// One deposit, timed from the first send to the first 200 (ms), with the account sequence it produced.
    /// A 503 (the node's command timeout, e.g. while a long recovery runs) is retried at once with the same
    /// command id, which is idempotent, and the clock keeps running: the time is until the account answers.
    /// </summary>
    public async Task<(double Ms, long Sequence, int Attempts)> TimedDepositAsync(string accountId, string commandId, string createdAt)
    {
        var start = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            using var request = Requests.Deposit(BaseAddress, commandId, accountId, createdAt);
            using var response = await Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(body);
                return (elapsed, json.RootElement.GetProperty("sequence").GetInt64(), attempt);
            }
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || elapsed > 120_000)
                throw new InvalidOperationException($"deposit to {accountId}: {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>Waits until the applied counter stops moving (two polls in a row), at most <paramref name="max"/>.</summary>
    public async Task WaitForProjectionIdleAsync(TimeSpan max)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(max.TotalSeconds * Stopwatch.Frequency);
        long last = -1;
        var still = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var applied = (await TryProjectionStatusAsync())?.Applied ?? -1;
            still = applied == last ? still + 1 : 0;
            if (still >= 2) return;
            last = applied;
            await Task.Delay(150);
        }
    }

    public async Task<string> OpenOneAsync(string accountId, string commandId, string createdAt)
    {
        using var request = Requests.Open(BaseAddress, commandId, accountId, createdAt);
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"open {accountId}: {(int)response.StatusCode} {body}");
        return body;
    }

    public string Tail => _process.Tail;

    public Task KillAsync() => _process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
