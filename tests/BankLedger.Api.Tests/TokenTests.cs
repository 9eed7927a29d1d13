using System.Buffers.Text;
using System.Text;
using BankLedger.Api.Requests;
using BankLedger.Domain;

namespace BankLedger.Api.Tests;

public sealed class ConsistencyTokenTests
{
    private static readonly AccountId Account = AccountId.Parse("acc-998811");

    private static string Raw(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("acc-1", 0L)]
    [InlineData("acc-998811", 42L)]
    [InlineData("A.b_c:d-9", 1L)]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123", long.MaxValue)]
    public void A_formatted_token_parses_back_to_the_same_account_and_sequence(string account, long sequence)
    {
        var token = ConsistencyToken.Format(AccountId.Parse(account), sequence);

        Assert.True(ConsistencyToken.TryParse(token, out var parsedAccount, out var parsedSequence));
        Assert.Equal(account, parsedAccount.Value);
        Assert.Equal(sequence, parsedSequence);
    }

    [Fact]
    public void A_token_is_url_safe_and_does_not_show_the_account_id_in_clear()
    {
        var token = ConsistencyToken.Format(Account, 42);

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.DoesNotContain("acc-998811", token, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_accounts_or_sequences_give_different_tokens()
    {
        Assert.NotEqual(ConsistencyToken.Format(Account, 1), ConsistencyToken.Format(Account, 2));
        Assert.NotEqual(ConsistencyToken.Format(Account, 1), ConsistencyToken.Format(AccountId.Parse("acc-2"), 1));
    }

    public static TheoryData<string?> Garbage() =>
    [
        null,
        "",
        " ",
        "garbage",
        "!!!!",
        "acc-998811|42",
        "v1|acc-998811|42",
        Raw("ct1|acc-998811|42") + "=",
        Raw("ct1|acc-998811|42") + " ",
        " " + Raw("ct1|acc-998811|42"),
        Raw("ct1|acc-998811|42").Replace('-', '+').Replace('_', '/') + "+",
        Raw("ct2|acc-998811|42"),
        Raw("CT1|acc-998811|42"),
        Raw("ct1|acc-998811"),
        Raw("ct1|acc-998811|42|7"),
        Raw("ct1||42"),
        Raw("ct1|bad id|42"),
        Raw("ct1|acc/1|42"),
        Raw("ct1|" + new string('a', 65) + "|42"),
        Raw("ct1|acc-998811|-1"),
        Raw("ct1|acc-998811|+1"),
        Raw("ct1|acc-998811|01"),
        Raw("ct1|acc-998811|"),
        Raw("ct1|acc-998811|4.2"),
        Raw("ct1|acc-998811|9223372036854775808"),
        Raw("ct1|acc-998811|42\n"),
        Raw("ct1|äcc|42"),
        Raw("hc1|42"),
        new string('A', 1000),
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_wrong_versions_invalid_ids_and_bad_sequences_are_rejected(string? token)
    {
        Assert.False(ConsistencyToken.TryParse(token, out var account, out var sequence));
        Assert.Equal(default, account);
        Assert.Equal(0L, sequence);
    }

    [Fact]
    public void A_token_with_one_character_changed_is_rejected_or_reads_differently()
    {
        var token = ConsistencyToken.Format(Account, 42);
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        var ok = ConsistencyToken.TryParse(tampered, out var account, out var sequence);

        Assert.False(ok && account == Account && sequence == 42);
    }

    [Fact]
    public void Formatting_a_negative_sequence_or_a_default_account_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsistencyToken.Format(Account, -1));
        Assert.Throws<ArgumentException>(() => ConsistencyToken.Format(default, 1));
    }
}

public sealed class HistoryCursorTests
{
    private static string Raw(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(1L)]
    [InlineData(50L)]
    [InlineData(123456789L)]
    [InlineData(long.MaxValue)]
    public void An_encoded_cursor_decodes_back_to_the_same_sequence(long before)
    {
        var cursor = HistoryCursor.Encode(before);

        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        Assert.True(HistoryCursor.TryDecode(cursor, out var decoded));
        Assert.Equal(before, decoded);
    }

    public static TheoryData<string?> Garbage() =>
    [
        null,
        "",
        "garbage",
        "42",
        "hc1|42",
        Raw("hc1|0"),
        Raw("hc1|-1"),
        Raw("hc1|"),
        Raw("hc1|042"),
        Raw("hc1|4x"),
        Raw("hc1|9223372036854775808"),
        Raw("hc2|42"),
        Raw("42"),
        Raw("hc1|42") + "==",
        ConsistencyToken.Format(AccountId.Parse("acc-1"), 42),
        new string('A', 1000),
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_wrong_versions_and_non_positive_values_are_rejected(string? cursor)
    {
        Assert.False(HistoryCursor.TryDecode(cursor, out var before));
        Assert.Equal(0L, before);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Encoding_a_non_positive_sequence_throws(long before)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HistoryCursor.Encode(before));
    }
}
