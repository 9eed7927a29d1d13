using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankLedger.ReadStore.Elasticsearch.Tests;

/// <summary>What <see cref="FaultProxy"/> does with the next requests.</summary>
public enum ProxyMode
{
    /// <summary>Forward to the target.</summary>
    Pass,

    /// <summary>Drop the connection without an answer: the cluster looks unreachable.</summary>
    Down,

    /// <summary>Accept the request and never answer: the cluster looks hung.</summary>
    Hang,
}

/// <summary>
/// A small HTTP reverse proxy in front of an Elasticsearch(-compatible) server that can take the cluster "down",
/// make it hang, or fail chosen requests with 503, so tests can watch the store cope with outages mid-batch.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly Uri _target;
    private volatile ProxyMode _mode = ProxyMode.Pass;
    private volatile Func<HttpRequest, bool>? _failWhen;
    private int _forwarded;

    private FaultProxy(WebApplication app, HttpClient http, Uri target)
    {
        _app = app;
        _http = http;
        _target = target;
    }

    public Uri Url { get; private set; } = null!;

    public ProxyMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>Requests this matches get 503 (as a failing cluster would answer) instead of being forwarded.</summary>
    public Func<HttpRequest, bool>? FailWhen
    {
        get => _failWhen;
        set => _failWhen = value;
    }

    /// <summary>Requests forwarded to the target so far.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    public static async Task<FaultProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var proxy = new FaultProxy(app, http, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Url = new Uri(address);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        switch (_mode)
        {
            case ProxyMode.Down:
                context.Abort();
                return;
            case ProxyMode.Hang:
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // the client gave up, as it should
                }

                return;
        }

        if (_failWhen is { } fail && fail(context.Request))
        {
            context.Response.StatusCode = 503;
            context.Response.ContentType = "application/json";
            context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
            await context.Response.WriteAsync(
                """{"error":{"root_cause":[{"type":"cluster_block_exception","reason":"injected by FaultProxy"}],"type":"cluster_block_exception","reason":"injected by FaultProxy"},"status":503}""");
            return;
        }

        var request = context.Request;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_target, request.Path + request.QueryString));
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length > 0 || request.ContentLength is not null)
        {
            body.Position = 0;
            forward.Content = new StreamContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var answer = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        Interlocked.Increment(ref _forwarded);
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
