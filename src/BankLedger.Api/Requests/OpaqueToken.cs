using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace BankLedger.Api.Requests;

/// <summary>
/// Shared plumbing for opaque, URL-safe tokens: unpadded base64url over a short printable-ASCII text.
/// Decoding is strict: only the canonical encoding of a text is accepted (no padding, whitespace or
/// stray bits), and tokens are bounded in length before any work is done.
/// </summary>
internal static class OpaqueToken
{
    public const int MaxTokenLength = 256;

    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));

    public static bool TryDecode(string? token, out string text)
    {
        text = "";
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return false;

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal)) return false;
        foreach (var b in bytes)
        {
            if (b is < 0x21 or > 0x7E) return false;
        }
        text = Encoding.ASCII.GetString(bytes);
        return true;
    }

    /// <summary>Canonical non-negative decimal: ASCII digits only, no sign, no leading zeros, fits in a long.</summary>
    public static bool TryParseCanonicalNonNegative(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || (s.Length > 1 && s[0] == '0')) return false;
        foreach (var c in s)
        {
            if (c is < '0' or > '9') return false;
        }
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
