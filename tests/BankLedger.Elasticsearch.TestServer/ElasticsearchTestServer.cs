using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>Settings of the simulated single-node cluster.</summary>
public sealed class ElasticsearchTestServerOptions
{
    /// <summary>cluster_name reported by <c>GET /</c> and cluster health.</summary>
    public string ClusterName { get; init; } = "bankledger-test";

    /// <summary>
    /// <c>action.destructive_requires_name</c>: when true (Elasticsearch's default since 8.0) deleting indices by
    /// wildcard or <c>_all</c> is rejected. Elasticsearch's own YAML REST test clusters run with false.
    /// </summary>
    public bool DestructiveRequiresName { get; init; } = true;

    /// <summary><c>action.auto_create_index</c>: writes to a missing index create it (default true).</summary>
    public bool AutoCreateIndex { get; init; } = true;
}

/// <summary>
/// An in-process, in-memory, Elasticsearch 9.x-compatible HTTP server (single node) for tests: Kestrel on
/// 127.0.0.1 with a free port. It implements a subset of the REST API with Elasticsearch's semantics
/// (documents with versioning, refresh visibility, bulk, search/count with a query DSL subset, indices,
/// mappings, settings, aliases, cluster health); anything it does not implement answers 400 with an
/// Elasticsearch-shaped error. Conformance is checked against Elasticsearch's own YAML REST tests.
/// </summary>
public sealed class ElasticsearchTestServer : IAsyncDisposable
{
    private const string VendorJson = "application/vnd.elasticsearch+json";
    private const string VendorNdjson = "application/vnd.elasticsearch+x-ndjson";

    private readonly WebApplication _app;
    private readonly Cluster _cluster;

    private ElasticsearchTestServer(WebApplication app, Cluster cluster, Uri url)
    {
        _app = app;
        _cluster = cluster;
        Url = url;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts a server with default options on a free loopback port.</summary>
    public static Task<ElasticsearchTestServer> StartAsync() => StartAsync(new ElasticsearchTestServerOptions());

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<ElasticsearchTestServer> StartAsync(ElasticsearchTestServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new Cluster(options);
        var api = new RestApi(cluster);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 100L * 1024 * 1024; // http.max_content_length
        });
        var app = builder.Build();
        app.Run(context => HandleAsync(context, api));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.EndsWith('/') ? address : address + "/");
        return new ElasticsearchTestServer(app, cluster, url);
    }

    /// <summary>Deletes every index (and so every alias and document).</summary>
    public void Reset() => _cluster.Reset();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, RestApi api)
    {
        RestResponse response;
        var pretty = false;
        var vendorVersion = (int?)null;
        List<string> warnings = [];
        try
        {
            var request = await ReadRequestAsync(context).ConfigureAwait(false);
            vendorVersion = ResponseCompatVersion(context.Request);
            pretty = request.HasParam("pretty") && request.Param("pretty") != "false";
            warnings = request.Warnings;
            response = api.Dispatch(request);
        }
        catch (EsException e)
        {
            response = new RestResponse(e.Status, e.ToResponseBody());
        }
#pragma warning disable CA1031 // a server must answer every request; unexpected failures become 500s.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = new EsException(500, "exception", $"[elasticsearch test server] internal error: {e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("BankLedger", StringComparison.Ordinal))?.Trim()}");
            response = new RestResponse(500, error.ToResponseBody());
        }

        var http = context.Response;
        http.StatusCode = response.Status;
        http.Headers["X-Elastic-Product"] = "Elasticsearch";
        foreach (var w in warnings)
        {
            http.Headers.Append("Warning", $"299 Elasticsearch-{Cluster.VersionNumber}-0000000 \"{w.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        http.ContentType = vendorVersion is { } v ? $"{VendorJson};compatible-with={v}" : "application/json";
        if (HttpMethods.IsHead(context.Request.Method) || response.Body is null)
        {
            http.ContentLength = 0;
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(JsonUtil.Serialize(response.Body, pretty) + (pretty ? "\n" : ""));
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The compatible-with version to answer with, from Accept (or Content-Type when Accept does not say).</summary>
    private static int? ResponseCompatVersion(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        var fromAccept = CompatVersion(accept);
        if (fromAccept is not null)
        {
            return fromAccept;
        }

        if (string.IsNullOrEmpty(accept) || accept.Contains("*/*", StringComparison.Ordinal))
        {
            return CompatVersion(request.ContentType);
        }

        return null;
    }

    private static int? CompatVersion(string? mediaType)
    {
        if (string.IsNullOrEmpty(mediaType) || !mediaType.Contains("application/vnd.elasticsearch+", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var i = mediaType.IndexOf("compatible-with=", StringComparison.OrdinalIgnoreCase);
        if (i < 0)
        {
            throw new EsException(400, "media_type_header_exception", $"Invalid media-type value on headers [Accept, Content-Type]",
                EsException.IllegalArgument($"Incorrect header [{mediaType}]. A compatible-with parameter is required with vendor specific media types"));
        }

        var rest = mediaType[(i + "compatible-with=".Length)..];
        var end = rest.IndexOfAny([';', ',', ' ']);
        var value = end < 0 ? rest : rest[..end];
        if (value is not ("8" or "9"))
        {
            throw new EsException(400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]",
                new EsException(400, "status_exception",
                    $"A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept={mediaType}, Content-Type={mediaType}"));
        }

        return value == "8" ? 8 : 9;
    }

    private static async Task<EsRequest> ReadRequestAsync(HttpContext context)
    {
        var http = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Path.Value ?? "/";
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q >= 0 ? rawTarget[..q] : rawTarget;
        var segments = rawPath.Split('/').Skip(1).Select(Uri.UnescapeDataString).ToList();
        if (segments.Count > 0 && segments[^1].Length == 0)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in http.Query)
        {
            parameters[key] = values.Count > 0 ? values[^1] ?? "" : "";
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await http.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        body = Decompress(body, http.Headers.ContentEncoding.ToString());

        var contentType = http.ContentType;
        int? compat = null;
        if (body.Length > 0)
        {
            if (string.IsNullOrEmpty(contentType))
            {
                throw new EsException(406, "content_type_header_exception", "Content-Type header is missing")
                {
                    CustomBody = new JsonObject { ["error"] = "Content-Type header is missing", ["status"] = 406 },
                };
            }

            var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
            if (mediaType is not ("application/json" or "application/x-ndjson" or VendorJson or VendorNdjson))
            {
                var message = $"Content-Type header [{contentType}] is not supported";
                throw new EsException(406, "content_type_header_exception", message)
                {
                    CustomBody = new JsonObject { ["error"] = message, ["status"] = 406 },
                };
            }

            compat = CompatVersion(contentType);
            var acceptCompat = CompatVersion(http.Headers.Accept.ToString());
            if (compat is not null && acceptCompat is not null && compat != acceptCompat)
            {
                throw new EsException(400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]",
                    new EsException(400, "status_exception",
                        $"A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept={http.Headers.Accept}, Content-Type={contentType}"));
            }
        }

        compat ??= CompatVersion(http.Headers.Accept.ToString());
        return new EsRequest
        {
            Method = http.Method.ToUpperInvariant(),
            RawPath = rawPath,
            Segments = segments,
            Params = parameters,
            Body = body,
            ContentType = contentType,
            CompatibleWith = compat,
        };
    }

    private static byte[] Decompress(byte[] body, string encoding)
    {
        if (body.Length == 0 || string.IsNullOrEmpty(encoding) || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        Stream Open(Stream s) => encoding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(s, CompressionMode.Decompress),
            "deflate" or "x-deflate" => new ZLibStream(s, CompressionMode.Decompress),
            _ => throw EsException.Unsupported($"Content-Encoding [{encoding}]"),
        };

        try
        {
            using var input = new MemoryStream(body);
            using var decoder = Open(input);
            using var output = new MemoryStream();
            decoder.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw EsException.IllegalArgument($"failed to decompress the request body ({encoding}): {e.Message}");
        }
    }
}
