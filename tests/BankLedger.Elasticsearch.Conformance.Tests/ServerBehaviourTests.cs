using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BankLedger.Elasticsearch.TestServer;
using Xunit.Abstractions;

namespace BankLedger.Elasticsearch.Conformance.Tests;

/// <summary>
/// Direct checks of server behaviours the Elasticsearch adapter relies on that the YAML suite does not cover
/// (or not directly): transport details, versioned bulk writes, pagination, refresh visibility, atomic aliases,
/// and the 400s that keep unsupported requests from passing by accident.
/// </summary>
public sealed class ServerBehaviourTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Vendor = "application/vnd.elasticsearch+json; compatible-with=9";

    private ElasticsearchTestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ElasticsearchTestServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.Url };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> Send(
        HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        var response = await _http.SendAsync(request);
        // Capture the raw Content-Type before reading the body parses (and re-formats) it.
        _rawContentTypes[response] = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var ct) ? ct.ToString() : "";
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    private Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, JsonNode body) =>
        Send(method, path, body.ToJsonString());

    private readonly Dictionary<HttpResponseMessage, string> _rawContentTypes = [];

    private string RawContentType(HttpResponseMessage response) => _rawContentTypes[response];

    private static string Ndjson(params JsonNode[] lines) => string.Concat(lines.Select(l => l.ToJsonString() + "\n"));

    [Fact]
    public async Task Gzip_request_bodies_are_decompressed()
    {
        static ByteArrayContent Gzip(string text, string contentType)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(text));
            }

            var content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            content.Headers.ContentEncoding.Add("gzip");
            return content;
        }

        using var put = await _http.PutAsync("/ledger/_doc/1?refresh=true", Gzip("""{"account":"a-1","balance":10}""", "application/json"));
        Assert.Equal(201, (int)put.StatusCode);

        var bulkBody = Ndjson(
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "ledger", ["_id"] = "2" } },
            new JsonObject { ["account"] = "a-2", ["balance"] = 20 });
        using var bulk = await _http.PostAsync("/_bulk?refresh=true", Gzip(bulkBody, "application/x-ndjson"));
        var bulkResult = JsonNode.Parse(await bulk.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)bulk.StatusCode);
        Assert.False(bulkResult["errors"]!.GetValue<bool>());

        var (status, doc, _) = await Send(HttpMethod.Get, "/ledger/_doc/1");
        Assert.Equal(200, status);
        Assert.Equal("a-1", doc!["_source"]!["account"]!.GetValue<string>());
        var (_, count, _) = await Send(HttpMethod.Get, "/ledger/_count");
        Assert.Equal(2, count!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_response_carries_the_product_header()
    {
        var responses = new List<HttpResponseMessage>
        {
            (await Send(HttpMethod.Get, "/")).Response,
            (await Send(HttpMethod.Head, "/")).Response,
            (await Send(HttpMethod.Get, "/missing/_doc/1")).Response,
            (await Send(HttpMethod.Head, "/missing")).Response,
            (await Send(HttpMethod.Get, "/_nodes/stats")).Response,
            (await Send(HttpMethod.Delete, "/")).Response,
            (await Send(HttpMethod.Post, "/x/_search", "{not json")).Response,
        };
        foreach (var r in responses)
        {
            Assert.True(r.Headers.TryGetValues("X-Elastic-Product", out var values), $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri}: no X-Elastic-Product");
            Assert.Equal("Elasticsearch", Assert.Single(values));
            r.Dispose();
        }

        var (status, info, _) = await Send(HttpMethod.Get, "/");
        Assert.Equal(200, status);
        Assert.StartsWith("9.", info!["version"]!["number"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("default", info["version"]!["build_flavor"]!.GetValue<string>());
        Assert.Equal("You Know, for Search", info["tagline"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vendor_media_type_is_echoed_and_plain_json_stays_plain()
    {
        var (status, _, vendor) = await Send(HttpMethod.Put, "/media/_doc/1", """{"a":1}""", Vendor, Vendor);
        Assert.Equal(201, status);
        Assert.Equal("application/vnd.elasticsearch+json;compatible-with=9", RawContentType(vendor));

        var bulkBody = Ndjson(new JsonObject { ["index"] = new JsonObject { ["_id"] = "2" } }, new JsonObject { ["a"] = 2 });
        var (bulkStatus, bulkResult, bulk) = await Send(HttpMethod.Post, "/media/_bulk", bulkBody,
            "application/vnd.elasticsearch+x-ndjson; compatible-with=9", Vendor);
        Assert.Equal(200, bulkStatus);
        Assert.False(bulkResult!["errors"]!.GetValue<bool>());
        Assert.Equal("application/vnd.elasticsearch+json;compatible-with=9", RawContentType(bulk));

        var (_, _, plain) = await Send(HttpMethod.Get, "/media/_doc/1", accept: "application/json");
        Assert.Equal("application/json", RawContentType(plain));

        var (badStatus, error, _) = await Send(HttpMethod.Put, "/media/_doc/3", "a=1", "text/plain");
        Assert.Equal(406, badStatus);
        Assert.Contains("text/plain", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_with_external_versions_fails_only_the_stale_item()
    {
        var seed = Ndjson(
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "accounts", ["_id"] = "a", ["version"] = 5, ["version_type"] = "external" } },
            new JsonObject { ["balance"] = 5 },
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "accounts", ["_id"] = "b", ["version"] = 5, ["version_type"] = "external" } },
            new JsonObject { ["balance"] = 5 });
        var (_, seeded, _) = await Send(HttpMethod.Post, "/_bulk", seed, "application/x-ndjson");
        Assert.False(seeded!["errors"]!.GetValue<bool>());

        var body = Ndjson(
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "accounts", ["_id"] = "a", ["version"] = 6, ["version_type"] = "external" } },
            new JsonObject { ["balance"] = 6 },
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "accounts", ["_id"] = "b", ["version"] = 4, ["version_type"] = "external" } },
            new JsonObject { ["balance"] = 4 },
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "accounts", ["_id"] = "c", ["version"] = 1, ["version_type"] = "external" } },
            new JsonObject { ["balance"] = 1 });
        var (status, result, _) = await Send(HttpMethod.Post, "/_bulk?refresh=true", body, "application/x-ndjson");
        Assert.Equal(200, status);
        Assert.True(result!["errors"]!.GetValue<bool>());
        var items = result["items"]!.AsArray();
        Assert.Equal(200, items[0]!["index"]!["status"]!.GetValue<int>());
        Assert.Equal("updated", items[0]!["index"]!["result"]!.GetValue<string>());
        Assert.Equal(6, items[0]!["index"]!["_version"]!.GetValue<long>());
        Assert.Equal(409, items[1]!["index"]!["status"]!.GetValue<int>());
        Assert.Equal("version_conflict_engine_exception", items[1]!["index"]!["error"]!["type"]!.GetValue<string>());
        Assert.Equal("[b]: version conflict, current version [5] is higher or equal to the one provided [4]",
            items[1]!["index"]!["error"]!["reason"]!.GetValue<string>());
        Assert.Equal(201, items[2]!["index"]!["status"]!.GetValue<int>());
        Assert.Equal("created", items[2]!["index"]!["result"]!.GetValue<string>());

        var (_, b, _) = await Send(HttpMethod.Get, "/accounts/_doc/b");
        Assert.Equal(5, b!["_version"]!.GetValue<long>());
        Assert.Equal(5, b["_source"]!["balance"]!.GetValue<int>());

        // Optimistic concurrency with if_seq_no/if_primary_term.
        var (_, a, _) = await Send(HttpMethod.Get, "/accounts/_doc/a");
        var seqNo = a!["_seq_no"]!.GetValue<long>();
        var (ok, _, _) = await Send(HttpMethod.Put, $"/accounts/_doc/a?if_seq_no={seqNo}&if_primary_term=1", """{"balance":7}""");
        Assert.Equal(200, ok);
        var (conflict, conflictBody, _) = await Send(HttpMethod.Put, $"/accounts/_doc/a?if_seq_no={seqNo}&if_primary_term=1", """{"balance":8}""");
        Assert.Equal(409, conflict);
        Assert.Equal("version_conflict_engine_exception", conflictBody!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(409, conflictBody["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_after_pages_through_a_sorted_field_without_gaps_or_duplicates()
    {
        var lines = new List<JsonNode>();
        for (var i = 0; i < 53; i++)
        {
            lines.Add(new JsonObject { ["index"] = new JsonObject { ["_index"] = "entries", ["_id"] = $"e{i:D3}" } });
            lines.Add(new JsonObject { ["seq"] = i % 17, ["entry_id"] = $"e{i:D3}" });
        }

        var (_, bulk, _) = await Send(HttpMethod.Post, "/_bulk?refresh=true", Ndjson([.. lines]), "application/x-ndjson");
        Assert.False(bulk!["errors"]!.GetValue<bool>());

        foreach (var order in new[] { "asc", "desc" })
        {
            var seen = new List<(long Seq, string Id)>();
            JsonArray? after = null;
            var pages = 0;
            while (true)
            {
                var request = new JsonObject
                {
                    ["size"] = 10,
                    ["sort"] = new JsonArray(
                        new JsonObject { ["seq"] = order },
                        new JsonObject { ["entry_id.keyword"] = "asc" }),
                    ["track_total_hits"] = false,
                };
                if (after is not null)
                {
                    request["search_after"] = after.DeepClone();
                }

                var (status, page, _) = await Send(HttpMethod.Post, "/entries/_search", request);
                Assert.Equal(200, status);
                var hits = page!["hits"]!["hits"]!.AsArray();
                Assert.Null(page["hits"]!["total"]);
                if (hits.Count == 0)
                {
                    break;
                }

                pages++;
                foreach (var hit in hits)
                {
                    Assert.Null(hit!["_score"]);
                    seen.Add((hit["sort"]![0]!.GetValue<long>(), hit["sort"]![1]!.GetValue<string>()));
                }

                after = hits[^1]!["sort"]!.AsArray();
            }

            Assert.Equal(6, pages);
            Assert.Equal(53, seen.Count);
            Assert.Equal(53, seen.Select(s => s.Id).Distinct().Count());
            var expected = order == "asc"
                ? seen.OrderBy(s => s.Seq).ThenBy(s => s.Id, StringComparer.Ordinal).ToList()
                : seen.OrderByDescending(s => s.Seq).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, seen);
        }

        var (badStatus, bad, _) = await Send(HttpMethod.Post, "/entries/_search", """{"from":5,"sort":["seq"],"search_after":[3]}""");
        Assert.Equal(400, badStatus);
        Assert.Equal("action_request_validation_exception", bad!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_sees_only_refreshed_documents_while_get_is_realtime()
    {
        Assert.Equal(200, (await Send(HttpMethod.Put, "/visible", """{"settings":{"number_of_replicas":0}}""")).Status);
        Assert.Equal(201, (await Send(HttpMethod.Put, "/visible/_doc/1", """{"kind":"deposit"}""")).Status);

        var (getStatus, doc, _) = await Send(HttpMethod.Get, "/visible/_doc/1");
        Assert.Equal(200, getStatus);
        Assert.True(doc!["found"]!.GetValue<bool>());
        Assert.Equal(404, (await Send(HttpMethod.Get, "/visible/_doc/1?realtime=false")).Status);

        var (_, before, _) = await Send(HttpMethod.Post, "/visible/_search", """{"query":{"term":{"kind.keyword":"deposit"}}}""");
        Assert.Equal(0, before!["hits"]!["total"]!["value"]!.GetValue<int>());
        var (_, countBefore, _) = await Send(HttpMethod.Get, "/visible/_count");
        Assert.Equal(0, countBefore!["count"]!.GetValue<int>());

        var (refreshStatus, refresh, _) = await Send(HttpMethod.Post, "/visible/_refresh");
        Assert.Equal(200, refreshStatus);
        Assert.Equal(1, refresh!["_shards"]!["successful"]!.GetValue<int>());

        var (_, after, _) = await Send(HttpMethod.Post, "/visible/_search", """{"query":{"term":{"kind.keyword":"deposit"}}}""");
        Assert.Equal(1, after!["hits"]!["total"]!["value"]!.GetValue<int>());
        Assert.Equal("1", after["hits"]!["hits"]![0]!["_id"]!.GetValue<string>());

        // A delete is invisible to search until the next refresh, but GET sees it at once.
        Assert.Equal(200, (await Send(HttpMethod.Delete, "/visible/_doc/1")).Status);
        Assert.Equal(404, (await Send(HttpMethod.Get, "/visible/_doc/1")).Status);
        var (_, stale, _) = await Send(HttpMethod.Get, "/visible/_count");
        Assert.Equal(1, stale!["count"]!.GetValue<int>());
        Assert.Equal(201, (await Send(HttpMethod.Put, "/visible/_doc/2?refresh=wait_for", """{"kind":"deposit"}""")).Status);
        var (_, fresh, _) = await Send(HttpMethod.Get, "/visible/_count");
        Assert.Equal(1, fresh!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Alias_updates_are_atomic()
    {
        Assert.Equal(200, (await Send(HttpMethod.Put, "/ledger-1")).Status);
        Assert.Equal(200, (await Send(HttpMethod.Put, "/ledger-2")).Status);
        Assert.Equal(200, (await Send(HttpMethod.Post, "/_aliases",
            """{"actions":[{"add":{"index":"ledger-1","alias":"ledger","is_write_index":true}}]}""")).Status);

        // Swap the alias, but one action names a missing index: nothing may change.
        var (status, error, _) = await Send(HttpMethod.Post, "/_aliases", """
            {"actions":[
              {"remove":{"index":"ledger-1","alias":"ledger"}},
              {"add":{"index":"ledger-2","alias":"ledger","is_write_index":true}},
              {"add":{"index":"no-such-index","alias":"other"}}
            ]}
            """);
        Assert.Equal(404, status);
        Assert.Equal("index_not_found_exception", error!["error"]!["type"]!.GetValue<string>());
        Assert.Equal("index_not_found_exception", error["error"]!["root_cause"]![0]!["type"]!.GetValue<string>());

        var (_, aliases, _) = await Send(HttpMethod.Get, "/_alias/ledger");
        Assert.NotNull(aliases!["ledger-1"]);
        Assert.Null(aliases["ledger-2"]);

        // Two write indices for one alias is invalid as a whole, too.
        var (twoWriters, _, _) = await Send(HttpMethod.Post, "/_aliases",
            """{"actions":[{"add":{"index":"ledger-2","alias":"ledger","is_write_index":true}}]}""");
        Assert.True(twoWriters >= 400);
        var (_, still, _) = await Send(HttpMethod.Get, "/_alias/ledger");
        Assert.Null(still!["ledger-2"]);

        // The valid swap applies, and writes through the alias go to its write index.
        Assert.Equal(200, (await Send(HttpMethod.Post, "/_aliases", """
            {"actions":[
              {"remove":{"index":"ledger-1","alias":"ledger"}},
              {"add":{"index":"ledger-2","alias":"ledger","is_write_index":true}}
            ]}
            """)).Status);
        var (_, written, _) = await Send(HttpMethod.Put, "/ledger/_doc/1", """{"x":1}""");
        Assert.Equal("ledger-2", written!["_index"]!.GetValue<string>());

        // Deleting an index by its alias name is refused.
        var (deleteStatus, deleteError, _) = await Send(HttpMethod.Delete, "/ledger");
        Assert.Equal(400, deleteStatus);
        Assert.Equal("illegal_argument_exception", deleteError!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unsupported_query_clauses_are_rejected_with_a_400()
    {
        Assert.Equal(201, (await Send(HttpMethod.Put, "/q/_doc/1?refresh=true", """{"name":"alpha"}""")).Status);
        foreach (var query in new[]
                 {
                     """{"query":{"query_string":{"query":"alpha"}}}""",
                     """{"query":{"nested":{"path":"x","query":{"match_all":{}}}}}""",
                     """{"query":{"match":{"name":{"query":"alpha","fuzziness":"AUTO"}}}}""",
                     """{"aggs":{"by_name":{"terms":{"field":"name.keyword"}}}}""",
                     """{"query":{"no_such_query":{}}}""",
                     """{"query":{"term":{"name":"alpha"},"match_all":{}}}""",
                 })
        {
            var (status, error, _) = await Send(HttpMethod.Post, "/q/_search", query);
            Assert.True(status == 400, $"{query} -> {status}");
            Assert.Equal(400, error!["status"]!.GetValue<int>());
            Assert.NotNull(error["error"]!["type"]);
            Assert.NotNull(error["error"]!["reason"]);
            Assert.NotEmpty(error["error"]!["root_cause"]!.AsArray());
        }

        var (unknown, unknownError, _) = await Send(HttpMethod.Post, "/q/_search", """{"query":{"no_such_query":{}}}""");
        Assert.Equal(400, unknown);
        Assert.Equal("parsing_exception", unknownError!["error"]!["type"]!.GetValue<string>());

        var (param, paramError, _) = await Send(HttpMethod.Get, "/q/_search?no_such_param=1");
        Assert.Equal(400, param);
        Assert.Equal("request [/q/_search] contains unrecognized parameter: [no_such_param]",
            paramError!["error"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_endpoints_are_rejected_with_a_400()
    {
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/_nodes/stats"),
                     (HttpMethod.Get, "/_cat/indices"),
                     (HttpMethod.Post, "/q/_delete_by_query"),
                     (HttpMethod.Get, "/q/doc/1/extra"),
                 })
        {
            var (status, error, _) = await Send(method, path);
            Assert.True(status == 400, $"{method} {path} -> {status}");
            Assert.Equal("illegal_argument_exception", error!["error"]!["type"]!.GetValue<string>());
            Assert.Equal(400, error["status"]!.GetValue<int>());
        }

        var (wrongMethod, body, _) = await Send(HttpMethod.Delete, "/");
        Assert.Equal(405, wrongMethod);
        Assert.Contains("Incorrect HTTP method", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_bulk_requests_are_all_applied_quickly()
    {
        static string Batch(int batch)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < 1000; i++)
            {
                sb.Append("{\"index\":{\"_index\":\"load\",\"_id\":\"").Append(batch).Append('-').Append(i).Append("\"}}\n");
                sb.Append("{\"account\":\"acc-").Append(i % 50).Append("\",\"amount\":").Append(i).Append(",\"batch\":").Append(batch).Append("}\n");
            }

            return sb.ToString();
        }

        // Warm up (first request JIT), then time a few 1,000-item bulks (re-indexing the same ids) and keep the best.
        await Send(HttpMethod.Post, "/_bulk", Batch(99), "application/x-ndjson");
        var best = TimeSpan.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var single = Stopwatch.StartNew();
            var (status, result, _) = await Send(HttpMethod.Post, "/_bulk", Batch(98), "application/x-ndjson");
            single.Stop();
            Assert.Equal(200, status);
            Assert.False(result!["errors"]!.GetValue<bool>());
            best = single.Elapsed < best ? single.Elapsed : best;
        }

        output.WriteLine($"one 1,000-item bulk (best of 3, request to parsed response): {best.TotalMilliseconds:F1} ms");
        Assert.True(best < TimeSpan.FromSeconds(5), $"a 1,000-item bulk took {best}");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(b => Send(HttpMethod.Post, "/_bulk", Batch(b), "application/x-ndjson")));
        Assert.All(results, r => Assert.False(r.Body!["errors"]!.GetValue<bool>()));
        await Send(HttpMethod.Post, "/load/_refresh");
        var (_, count, _) = await Send(HttpMethod.Get, "/load/_count");
        Assert.Equal(10_000, count!["count"]!.GetValue<int>());
        var (_, perBatch, _) = await Send(HttpMethod.Post, "/load/_count", """{"query":{"term":{"batch":3}}}""");
        Assert.Equal(1000, perBatch!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Partial_updates_merge_and_report_noops()
    {
        Assert.Equal(201, (await Send(HttpMethod.Put, "/u/_doc/1", """{"owner":{"name":"ann","city":"oslo"},"balance":1}""")).Status);
        var (status, updated, _) = await Send(HttpMethod.Post, "/u/_update/1", """{"doc":{"owner":{"city":"bergen"},"balance":2}}""");
        Assert.Equal(200, status);
        Assert.Equal("updated", updated!["result"]!.GetValue<string>());
        Assert.Equal(2, updated["_version"]!.GetValue<long>());
        var (_, doc, _) = await Send(HttpMethod.Get, "/u/_doc/1");
        Assert.Equal("ann", doc!["_source"]!["owner"]!["name"]!.GetValue<string>());
        Assert.Equal("bergen", doc["_source"]!["owner"]!["city"]!.GetValue<string>());

        var (_, noop, _) = await Send(HttpMethod.Post, "/u/_update/1", """{"doc":{"balance":2}}""");
        Assert.Equal("noop", noop!["result"]!.GetValue<string>());
        Assert.Equal(2, noop["_version"]!.GetValue<long>());

        var (missing, missingError, _) = await Send(HttpMethod.Post, "/u/_update/2", """{"doc":{"balance":2}}""");
        Assert.Equal(404, missing);
        Assert.Equal("document_missing_exception", missingError!["error"]!["type"]!.GetValue<string>());
        var (upserted, upsert, _) = await Send(HttpMethod.Post, "/u/_update/2", """{"doc":{"balance":2},"doc_as_upsert":true}""");
        Assert.Equal(201, upserted);
        Assert.Equal("created", upsert!["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Source_filtering_dynamic_mapping_and_date_ranges()
    {
        Assert.Equal(200, (await Send(HttpMethod.Post, "/_bulk?refresh=true", Ndjson(
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "tx", ["_id"] = "1" } },
            new JsonObject { ["at"] = "2024-01-31T23:59:59Z", ["amount"] = 5, ["memo"] = new JsonObject { ["text"] = "rent", ["tag"] = "home" } },
            new JsonObject { ["index"] = new JsonObject { ["_index"] = "tx", ["_id"] = "2" } },
            new JsonObject { ["at"] = "2024-02-01T00:00:00Z", ["amount"] = 7.5, ["memo"] = new JsonObject { ["text"] = "Coffee beans", ["tag"] = "food" } }),
            "application/x-ndjson")).Status);

        var (_, mapping, _) = await Send(HttpMethod.Get, "/tx/_mapping");
        var props = mapping!["tx"]!["mappings"]!["properties"]!;
        Assert.Equal("date", props["at"]!["type"]!.GetValue<string>());
        Assert.Equal("long", props["amount"]!["type"]!.GetValue<string>());
        Assert.Equal("text", props["memo"]!["properties"]!["text"]!["type"]!.GetValue<string>());
        Assert.Equal("keyword", props["memo"]!["properties"]!["text"]!["fields"]!["keyword"]!["type"]!.GetValue<string>());

        // lte on a date without time rounds up to the end of that day, as in Elasticsearch.
        var (_, january, _) = await Send(HttpMethod.Post, "/tx/_search",
            """{"query":{"range":{"at":{"lte":"2024-01-31"}}},"_source":{"includes":["memo.*"],"excludes":["memo.tag"]}}""");
        var hits = january!["hits"]!["hits"]!.AsArray();
        Assert.Equal("1", Assert.Single(hits)!["_id"]!.GetValue<string>());
        Assert.Equal("""{"memo":{"text":"rent"}}""", hits[0]!["_source"]!.ToJsonString());

        var (_, coffee, _) = await Send(HttpMethod.Post, "/tx/_search", """{"query":{"match":{"memo.text":"COFFEE"}},"_source":false}""");
        Assert.Equal("2", coffee!["hits"]!["hits"]![0]!["_id"]!.GetValue<string>());
        Assert.Null(coffee["hits"]!["hits"]![0]!["_source"]);

        var (sortText, sortError, _) = await Send(HttpMethod.Post, "/tx/_search", """{"sort":["memo.text"]}""");
        Assert.Equal(400, sortText);
        Assert.Equal("search_phase_execution_exception", sortError!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reset_deletes_every_index()
    {
        Assert.Equal(201, (await Send(HttpMethod.Put, "/r/_doc/1", """{"a":1}""")).Status);
        _server.Reset();
        Assert.Equal(404, (await Send(HttpMethod.Head, "/r")).Status);
    }
}
