using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankLedger.IntegrationTests.Support;

namespace BankLedger.IntegrationTests.Http;

/// <summary>
/// Bad requests through the real pipeline: every class of malformed or invalid input gets its 4xx problem,
/// and none of them changes the account it names (the next accepted command gets sequence 2).
/// </summary>
public sealed class BadInputTests(SqliteLedgerFixture fixture) : IClassFixture<SqliteLedgerFixture>
{
    private const int MaxBodyBytes = 64 * 1024;

    private readonly HttpClient _client = fixture.CreateClient();

    /// <summary>Opens an account, sends the bad deposit built for it, expects the problem, proves nothing was persisted.</summary>
    private async Task RefusedWithoutEffectAsync(string action, Func<string, string> body, int status, string code,
        string? contentType = "application/json")
    {
        var account = await _client.OpenNewAccountAsync();
        await _client.PostRawAsync(action, body(account), contentType).ExpectProblemAsync(status, code);
        await _client.AssertNothingPersistedAsync(account, 1);
    }

    private Task RefusedWithoutEffectAsync(string action, Func<string, JsonObject> body, int status, string code) =>
        RefusedWithoutEffectAsync(action, account => body(account).ToJsonString(), status, code);

    // ----- JSON structure --------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"command_id":"c-1","command_type":"DEPOSIT_FUNDS","aggregate_id":"{acc}" """)]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"just a string\"")]
    [InlineData("""{"command_id":"c-1","command_type":"DEPOSIT_FUNDS","aggregate_id":"{acc}","payload":{"amount_cents":5,"currency":"USD"},"created_at":"2026-05-23T10:00:00Z"} {}""")]
    [InlineData("""{"command_id":"c-1","command_type":"DEPOSIT_FUNDS","aggregate_id":"{acc}","payload":"5 USD","created_at":"2026-05-23T10:00:00Z"}""")]
    [InlineData("""{'command_id':'c-1'}""")]
    public Task A_body_that_is_not_a_well_formed_JSON_object_is_400_malformed_json(string template) =>
        RefusedWithoutEffectAsync("deposit", account => template.Replace("{acc}", account, StringComparison.Ordinal), 400, "malformed_json");

    [Fact]
    public async Task A_body_that_is_not_UTF8_is_400_malformed_json()
    {
        var account = await _client.OpenNewAccountAsync();
        var bytes = Encoding.UTF8.GetBytes(Bodies.Deposit(account, Ids.Command(), 5).Set("payload.reference", "\"caf\"").ToJsonString());
        var broken = bytes.Concat(new byte[] { 0xC3, 0x28 }).ToArray(); // invalid UTF-8 after the closing brace
        var index = Array.LastIndexOf(bytes, (byte)'f');
        var inside = bytes[..(index + 1)].Concat(new byte[] { 0xFF }).Concat(bytes[(index + 1)..]).ToArray();
        await _client.PostRawAsync("deposit", broken, "application/json").ExpectProblemAsync(400, "malformed_json");
        await _client.PostRawAsync("deposit", inside, "application/json").ExpectProblemAsync(400, "malformed_json");
        await _client.AssertNothingPersistedAsync(account, 1);
    }

    [Fact]
    public Task A_string_with_a_lone_surrogate_escape_is_400_malformed_json() =>
        RefusedWithoutEffectAsync("deposit",
            account => Bodies.Deposit(account, Ids.Command(), 5).ToJsonString()
                .Replace("\"reference\":\"test\"", "\"reference\":\"\\ud800\"", StringComparison.Ordinal),
            400, "malformed_json");

    [Theory]
    [InlineData("amount", "1")]
    [InlineData("payload.memo", "\"hi\"")]
    [InlineData("payload.owner", "\"Ada\"")]
    public Task A_field_the_contract_does_not_know_is_400_unknown_field(string path, string rawJson) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).Set(path, rawJson), 400, "unknown_field");

    [Fact]
    public Task A_repeated_property_is_400_duplicate_field() =>
        RefusedWithoutEffectAsync("deposit",
            account => Bodies.Deposit(account, Ids.Command(), 5).ToJsonString().Replace(
                "\"amount_cents\":5", "\"amount_cents\":5,\"amount_cents\":500", StringComparison.Ordinal),
            400, "duplicate_field");

    [Theory]
    [InlineData("command_id")]
    [InlineData("command_type")]
    [InlineData("aggregate_id")]
    [InlineData("created_at")]
    [InlineData("payload")]
    [InlineData("payload.amount_cents")]
    [InlineData("payload.currency")]
    public Task A_missing_required_field_is_400_missing_field(string path) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).Without(path), 400, "missing_field");

    [Theory]
    [InlineData("payload.amount_cents", "\"100\"")]
    [InlineData("payload.amount_cents", "10.5")]
    [InlineData("payload.amount_cents", "1e3")]
    [InlineData("payload.amount_cents", "true")]
    [InlineData("payload.amount_cents", "null")]
    [InlineData("payload.amount_cents", "99999999999999999999")]
    [InlineData("payload.currency", "840")]
    [InlineData("payload.reference", "[]")]
    [InlineData("command_id", "42")]
    [InlineData("aggregate_id", "null")]
    [InlineData("expected_sequence", "\"1\"")]
    public Task A_field_of_the_wrong_JSON_type_is_400_invalid_field_type(string path, string rawJson) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).Set(path, rawJson), 400, "invalid_field_type");

    [Theory]
    [InlineData("TRANSFER_FUNDS")]
    [InlineData("deposit_funds")]
    [InlineData("")]
    public Task An_unknown_command_type_is_400_unknown_command_type(string commandType) =>
        RefusedWithoutEffectAsync("deposit",
            account => Bodies.Deposit(account, Ids.Command(), 5).Set("command_type", $"\"{commandType}\""), 400, "unknown_command_type");

    [Fact]
    public Task A_command_type_for_another_endpoint_is_400_command_type_mismatch() =>
        RefusedWithoutEffectAsync("deposit",
            account => Bodies.Deposit(account, Ids.Command(), 5).Set("command_type", "\"WITHDRAW_FUNDS\""), 400, "command_type_mismatch");

    // ----- values ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("command_id", "")]
    [InlineData("command_id", "@65")]
    [InlineData("command_id", "cmd 1")]
    [InlineData("command_id", "cmd/1")]
    [InlineData("aggregate_id", "")]
    [InlineData("aggregate_id", "@65")]
    [InlineData("aggregate_id", "acc#1")]
    [InlineData("aggregate_id", "kontó")]
    public Task An_id_that_is_empty_too_long_or_has_other_characters_is_400_invalid_id(string field, string value)
    {
        // "@65": one character over the 64-character limit, otherwise valid.
        var id = value == "@65" ? "id-" + new string('x', 62) : value;
        return RefusedWithoutEffectAsync("deposit",
            account => Bodies.Deposit(account, Ids.Command(), 5).Set(field, JsonSerializer.Serialize(id)), 400, "invalid_id");
    }

    [Fact]
    public async Task Ids_of_exactly_64_allowed_characters_are_accepted()
    {
        var account = ("A-z_0.9:" + Guid.NewGuid().ToString("N") + new string('x', 64))[..64];
        var command = ("c:" + Guid.NewGuid().ToString("N") + new string('.', 64))[..64];
        var body = await _client.OpenAsync(account, command).ExpectAsync(200);
        Assert.Equal(account, body.GetProperty("aggregate_id").GetString());
        Assert.Equal(command, body.GetProperty("command_id").GetString());
    }

    [Theory]
    [InlineData("deposit", 0)]
    [InlineData("deposit", -1)]
    [InlineData("deposit", 1_000_000_000_001)]
    [InlineData("withdraw", 0)]
    [InlineData("withdraw", 1_000_000_000_001)]
    public Task An_amount_outside_1_to_10_to_the_12_is_400_invalid_amount(string action, long amount) =>
        RefusedWithoutEffectAsync(action, account => (action == "deposit"
            ? Bodies.Deposit(account, Ids.Command(), amount)
            : Bodies.Withdraw(account, Ids.Command(), amount)), 400, "invalid_amount");

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("EURO")]
    [InlineData("U$D")]
    [InlineData("")]
    public Task A_currency_that_is_not_three_uppercase_letters_is_400_invalid_currency(string currency) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5, currency), 400, "invalid_currency");

    [Theory]
    [InlineData("\"2026-05-23 10:00:00Z\"")]
    [InlineData("\"2026-05-23T10:00:00\"")]
    [InlineData("\"2026-05-23\"")]
    [InlineData("\"2026-02-30T10:00:00Z\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1779530400")]
    public Task A_created_at_that_is_not_an_RFC_3339_date_time_is_400_invalid_timestamp(string rawJson) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).Set("created_at", rawJson), 400, "invalid_timestamp");

    [Fact]
    public Task A_negative_expected_sequence_is_400_invalid_sequence() =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).Set("expected_sequence", "-1"), 400, "invalid_sequence");

    [Theory]
    [InlineData("\"line\\nbreak\"")]
    [InlineData("\"tab\\there\"")]
    public Task A_reference_with_control_characters_is_400_invalid_text(string rawJson) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).Set("payload.reference", rawJson), 400, "invalid_text");

    [Fact]
    public Task A_reference_longer_than_256_characters_is_400_invalid_text() =>
        RefusedWithoutEffectAsync("deposit",
            account => Bodies.Deposit(account, Ids.Command(), 5).Set("payload.reference", $"\"{new string('r', 257)}\""), 400, "invalid_text");

    [Theory]
    [InlineData("-1")]
    [InlineData("1000000000001")]
    public async Task An_overdraft_outside_0_to_10_to_the_12_is_400_invalid_overdraft_and_opens_nothing(string rawJson)
    {
        var account = Ids.Account();
        await _client.PostCommandAsync("open", Bodies.Open(account, Ids.Command()).Set("payload.overdraft_limit_cents", rawJson))
            .ExpectProblemAsync(400, "invalid_overdraft");
        await _client.DepositAsync(account, Ids.Command(), 5).ExpectProblemAsync(404, "account_not_found");
        Assert.Equal(1, await _client.OpenAsync(account, Ids.Command()).SequenceAsync());
    }

    // ----- routes and methods ----------------------------------------------------------------------

    [Theory]
    [InlineData("transfer")]
    [InlineData("Deposit")]
    [InlineData("close")]
    public Task A_command_action_that_does_not_exist_is_404_unknown_action(string action) =>
        RefusedWithoutEffectAsync(action, account => Bodies.Deposit(account, Ids.Command(), 5), 404, "unknown_action");

    [Theory]
    [InlineData("/v1/nothing")]
    [InlineData("/v1/commands/accounts")]
    [InlineData("/v1/queries/accounts/acc-1/statement")]
    [InlineData("/")]
    public async Task An_unknown_route_is_404_problem_json(string path)
    {
        var problem = await _client.GetAsync(path).ExpectProblemAsync(404, "not_found");
        Assert.Equal(path, problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_post_to_an_unknown_route_is_404_problem_json() =>
        await _client.PostAsync("/v1/commands/deposit", LedgerHttp.Json("{}")).ExpectProblemAsync(404, "not_found");

    [Theory]
    [InlineData("GET", "/v1/commands/accounts/deposit")]
    [InlineData("PUT", "/v1/commands/accounts/open")]
    [InlineData("DELETE", "/v1/commands/accounts/withdraw")]
    [InlineData("POST", "/v1/queries/accounts/acc-1/balance")]
    [InlineData("DELETE", "/v1/queries/accounts/acc-1/transactions")]
    public async Task A_known_route_with_the_wrong_method_is_405_problem_json(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && method != "DELETE") request.Content = LedgerHttp.Json("{}");
        await _client.SendAsync(request).ExpectProblemAsync(405, "method_not_allowed");
    }

    // ----- size and media type ---------------------------------------------------------------------

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_accepted_and_one_byte_more_is_413_payload_too_large()
    {
        var account = await _client.OpenNewAccountAsync();
        var exact = PaddedDeposit(account, Ids.Command(), MaxBodyBytes);
        var tooLarge = PaddedDeposit(account, Ids.Command(), MaxBodyBytes + 1);

        await _client.PostRawAsync("deposit", tooLarge, "application/json").ExpectProblemAsync(413, "payload_too_large");
        await _client.AssertNothingPersistedAsync(account, 1);
        Assert.Equal(3, await _client.PostRawAsync("deposit", exact, "application/json").SequenceAsync());
    }

    [Fact]
    public async Task A_body_over_64_KiB_without_a_content_length_is_413_payload_too_large()
    {
        var account = await _client.OpenNewAccountAsync();
        foreach (var size in new[] { MaxBodyBytes + 1, 1024 * 1024 })
        {
            using var content = new HttpExtras.UnknownLengthContent(PaddedDeposit(account, Ids.Command(), size), "application/json");
            Assert.Null(content.Headers.ContentLength);
            await _client.PostAsync("/v1/commands/accounts/deposit", content).ExpectProblemAsync(413, "payload_too_large");
        }
        await _client.AssertNothingPersistedAsync(account, 1);

        using var small = new HttpExtras.UnknownLengthContent(PaddedDeposit(account, Ids.Command(), MaxBodyBytes), "application/json");
        Assert.Equal(3, await _client.PostAsync("/v1/commands/accounts/deposit", small).SequenceAsync());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/problem+json")]
    public Task A_body_that_is_not_declared_as_JSON_is_415_unsupported_media_type(string contentType) =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).ToJsonString(),
            415, "unsupported_media_type", contentType);

    [Fact]
    public Task A_body_without_a_content_type_is_415_unsupported_media_type() =>
        RefusedWithoutEffectAsync("deposit", account => Bodies.Deposit(account, Ids.Command(), 5).ToJsonString(),
            415, "unsupported_media_type", contentType: null);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; charset=UTF-8")]
    [InlineData("application/json;charset=utf-8")]
    public async Task JSON_with_or_without_a_UTF8_charset_is_accepted(string contentType)
    {
        var account = await _client.OpenNewAccountAsync();
        Assert.Equal(2, await _client.PostRawAsync("deposit", Bodies.Deposit(account, Ids.Command(), 5).ToJsonString(), contentType).SequenceAsync());
    }

    // RFC 9110 §5.6.6: a parameter value may be a token or a quoted-string, and both mean the same.
    [Fact]
    public async Task JSON_with_a_quoted_UTF8_charset_is_accepted()
    {
        var account = await _client.OpenNewAccountAsync();
        var body = Bodies.Deposit(account, Ids.Command(), 5).ToJsonString();
        Assert.Equal(2, await _client.PostRawAsync("deposit", body, "application/json; charset=\"utf-8\"").SequenceAsync());
    }

    /// <summary>A valid 1-cent deposit padded with JSON whitespace to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] PaddedDeposit(string account, string commandId, int size)
    {
        var json = Bodies.Deposit(account, commandId, 1).ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(json + new string(' ', size - Encoding.UTF8.GetByteCount(json)));
        Assert.Equal(size, bytes.Length);
        return bytes;
    }
}
