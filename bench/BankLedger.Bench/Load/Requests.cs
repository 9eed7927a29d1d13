using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;

namespace BankLedger.Bench.Load;

/// <summary>
/// Builds the generator's requests with as little work as possible on the sending thread: URIs and the
/// fixed parts of JSON bodies are precomputed, only the unique command id (a counter) is formatted in.
/// </summary>
internal static class Requests
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static long _counter;

    public static string AccountId(int index) => $"acc-{index:D5}";

    /// <summary>Same JSON shape for the ledger and the CRUD service: a 1.00 USD deposit.</summary>
    public sealed class Deposits
    {
        private readonly Uri _uri;
        private readonly byte[] _prefix;
        private readonly byte[][] _middles;
        private readonly byte[] _suffix;

        public Deposits(Uri baseAddress, string runTag, int accounts, string createdAt)
        {
            _uri = new Uri(baseAddress, "/v1/commands/accounts/deposit");
            _prefix = Encoding.UTF8.GetBytes($"{{\"command_id\":\"b{runTag}-");
            _middles = Enumerable.Range(0, accounts)
                .Select(i => Encoding.UTF8.GetBytes($"\",\"command_type\":\"DEPOSIT_FUNDS\",\"aggregate_id\":\"{AccountId(i)}\","))
                .ToArray();
            _suffix = Encoding.UTF8.GetBytes($"\"payload\":{{\"amount_cents\":100,\"currency\":\"USD\"}},\"created_at\":\"{createdAt}\"}}");
        }

        public HttpRequestMessage Create(int account)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(Interlocked.Increment(ref _counter), digits, out var n);
            var middle = _middles[account];
            var body = new byte[_prefix.Length + n + middle.Length + _suffix.Length];
            var span = body.AsSpan();
            _prefix.CopyTo(span);
            digits[..n].CopyTo(span[_prefix.Length..]);
            middle.CopyTo(span[(_prefix.Length + n)..]);
            _suffix.CopyTo(span[(_prefix.Length + n + middle.Length)..]);
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            return new HttpRequestMessage(HttpMethod.Post, _uri) { Content = content, Version = System.Net.HttpVersion.Version11 };
        }
    }

    /// <summary>Balance queries, one precomputed URI per account.</summary>
    public sealed class Balances(Uri baseAddress, int accounts)
    {
        private readonly Uri[] _uris = Enumerable.Range(0, accounts)
            .Select(i => new Uri(baseAddress, $"/v1/queries/accounts/{AccountId(i)}/balance")).ToArray();

        public HttpRequestMessage Create(int account) =>
            new(HttpMethod.Get, _uris[account]) { Version = System.Net.HttpVersion.Version11 };
    }

    public static HttpRequestMessage Open(Uri baseAddress, string commandId, string accountId, string createdAt)
    {
        var body = $"{{\"command_id\":\"{commandId}\",\"command_type\":\"OPEN_ACCOUNT\",\"aggregate_id\":\"{accountId}\"," +
                   $"\"payload\":{{\"currency\":\"USD\",\"overdraft_limit_cents\":0}},\"created_at\":\"{createdAt}\"}}";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = Json;
        return new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/v1/commands/accounts/open")) { Content = content };
    }

    public static HttpRequestMessage Deposit(Uri baseAddress, string commandId, string accountId, string createdAt, long amountCents = 100)
    {
        var body = $"{{\"command_id\":\"{commandId}\",\"command_type\":\"DEPOSIT_FUNDS\",\"aggregate_id\":\"{accountId}\"," +
                   $"\"payload\":{{\"amount_cents\":{amountCents},\"currency\":\"USD\"}},\"created_at\":\"{createdAt}\"}}";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = Json;
        return new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/v1/commands/accounts/deposit")) { Content = content };
    }

    /// <summary>The client both systems are driven with: many connections, no proxy, no cookies, a hard timeout.</summary>
    public static HttpClient CreateClient(int maxConnections = 256) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(15),
        DefaultRequestVersion = System.Net.HttpVersion.Version11,
    };
}
