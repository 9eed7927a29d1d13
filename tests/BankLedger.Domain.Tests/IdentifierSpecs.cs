namespace BankLedger.Domain.Tests;

public sealed class IdentifierSpecs
{
    [Theory]
    [InlineData("a")]
    [InlineData("Z")]
    [InlineData("7")]
    [InlineData("acc-1")]
    [InlineData("ACC_2024.01:x-y")]
    [InlineData("._:-")]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._")]
    public void Ids_of_1_to_64_letters_digits_and_dot_underscore_colon_dash_are_valid(string value)
    {
        Assert.True(Identifier.IsValid(value));
        Assert.True(AccountId.TryParse(value, out var accountId));
        Assert.Equal(value, accountId.Value);
        Assert.True(CommandId.TryParse(value, out var commandId));
        Assert.Equal(value, commandId.Value);
    }

    [Fact]
    public void An_id_of_exactly_64_characters_is_valid()
    {
        var value = new string('x', 64);

        Assert.Equal(Identifier.MaxLength, value.Length);
        Assert.Equal(value, AccountId.Parse(value).Value);
        Assert.Equal(value, CommandId.Parse(value).Value);
    }

    [Fact]
    public void An_id_of_65_characters_is_invalid()
    {
        var value = new string('x', 65);

        Assert.False(AccountId.TryParse(value, out _));
        Assert.False(CommandId.TryParse(value, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a b")]
    [InlineData(" a")]
    [InlineData("a ")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("é")]
    [InlineData("konto-ü")]
    [InlineData("账户")]
    [InlineData("acc-\u00A0")]
    [InlineData("ａ")]
    [InlineData("😀")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a|b")]
    [InlineData("a@b")]
    [InlineData("a+b")]
    [InlineData("a,b")]
    [InlineData("a#b")]
    [InlineData("a%20b")]
    [InlineData("a\0")]
    public void Ids_with_any_other_character_or_empty_are_invalid(string value)
    {
        Assert.False(Identifier.IsValid(value));
        Assert.False(AccountId.TryParse(value, out var accountId));
        Assert.Equal(default, accountId);
        Assert.False(CommandId.TryParse(value, out var commandId));
        Assert.Equal(default, commandId);
    }

    [Fact]
    public void A_null_id_is_invalid()
    {
        Assert.False(Identifier.IsValid(null));
        Assert.False(AccountId.TryParse(null, out _));
        Assert.False(CommandId.TryParse(null, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("é")]
    public void Parsing_an_invalid_id_throws_argument_exception(string value)
    {
        Assert.Throws<ArgumentException>(() => AccountId.Parse(value));
        Assert.Throws<ArgumentException>(() => CommandId.Parse(value));
    }

    [Fact]
    public void Ids_with_the_same_text_are_equal_and_print_as_their_text()
    {
        Assert.Equal(AccountId.Parse("acc-9"), AccountId.Parse("acc-9"));
        Assert.NotEqual(AccountId.Parse("acc-9"), AccountId.Parse("ACC-9"));
        Assert.Equal("acc-9", AccountId.Parse("acc-9").ToString());
        Assert.Equal("cmd-9", CommandId.Parse("cmd-9").ToString());
    }
}

public sealed class CurrencySpecs
{
    [Theory]
    [InlineData("EUR")]
    [InlineData("USD")]
    [InlineData("CHF")]
    [InlineData("JPY")]
    [InlineData("AAA")]
    [InlineData("ZZZ")]
    public void Three_uppercase_letters_are_a_valid_currency(string code)
    {
        Assert.True(Currency.TryParse(code, out var currency));
        Assert.Equal(code, currency.Code);
        Assert.Equal(code, Currency.Parse(code).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("E")]
    [InlineData("EU")]
    [InlineData("EURO")]
    [InlineData("eur")]
    [InlineData("Eur")]
    [InlineData("euR")]
    [InlineData("EU1")]
    [InlineData("123")]
    [InlineData("E-R")]
    [InlineData(" EU")]
    [InlineData("EU ")]
    [InlineData("ÉUR")]
    [InlineData("ＥＵＲ")]
    public void Anything_but_three_uppercase_ascii_letters_is_not_a_currency(string code)
    {
        Assert.False(Currency.TryParse(code, out var currency));
        Assert.Equal(default, currency);
        Assert.Throws<ArgumentException>(() => Currency.Parse(code));
    }

    [Fact]
    public void A_null_code_is_not_a_currency()
    {
        Assert.False(Currency.TryParse(null, out _));
    }

    [Fact]
    public void Currencies_with_the_same_code_are_equal()
    {
        Assert.Equal(Currency.Parse("EUR"), Currency.Parse("EUR"));
        Assert.NotEqual(Currency.Parse("EUR"), Currency.Parse("USD"));
    }
}
