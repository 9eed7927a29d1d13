namespace BankLedger.Api.Requests;

/// <summary>
/// Strict RFC 3339 <c>date-time</c> parsing: <c>YYYY-MM-DD</c>, a <c>T</c>/<c>t</c> separator, <c>hh:mm:ss</c>,
/// an optional fraction, and a mandatory <c>Z</c>/<c>z</c> or <c>±hh:mm</c> offset. Culture-independent;
/// only ASCII digits count. Fractions finer than 100 ns are truncated. Leap seconds (<c>:60</c>) are
/// rejected because <see cref="DateTimeOffset"/> cannot represent them; offsets beyond ±14:00 likewise.
/// </summary>
public static class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null) return false;
        var s = text.AsSpan();
        // Shortest valid form: 2026-05-23T10:00:00Z (20 chars).
        if (s.Length < 20) return false;

        if (!TryDigits(s, 0, 4, out var year) || s[4] != '-'
            || !TryDigits(s, 5, 2, out var month) || s[7] != '-'
            || !TryDigits(s, 8, 2, out var day)
            || s[10] is not ('T' or 't')
            || !TryDigits(s, 11, 2, out var hour) || s[13] != ':'
            || !TryDigits(s, 14, 2, out var minute) || s[16] != ':'
            || !TryDigits(s, 17, 2, out var second))
        {
            return false;
        }

        var pos = 19;
        long fractionTicks = 0;
        if (s[pos] == '.')
        {
            pos++;
            var start = pos;
            var scale = (long)TimeSpan.TicksPerSecond;
            while (pos < s.Length && s[pos] is >= '0' and <= '9')
            {
                scale /= 10; // reaches 0 after seven digits: finer digits are truncated
                fractionTicks += (s[pos] - '0') * scale;
                pos++;
            }
            if (pos == start) return false;
        }

        if (pos >= s.Length) return false;
        TimeSpan offset;
        if (s[pos] is 'Z' or 'z')
        {
            if (pos + 1 != s.Length) return false;
            offset = TimeSpan.Zero;
        }
        else if (s[pos] is '+' or '-')
        {
            if (pos + 6 != s.Length
                || !TryDigits(s, pos + 1, 2, out var offsetHours) || s[pos + 3] != ':'
                || !TryDigits(s, pos + 4, 2, out var offsetMinutes)
                || offsetHours > 23 || offsetMinutes > 59)
            {
                return false;
            }
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (offset > TimeSpan.FromHours(14)) return false;
            if (s[pos] == '-') offset = -offset;
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // The instant falls outside DateTimeOffset's UTC range (e.g. 0001-01-01T00:00:00+01:00).
            value = default;
            return false;
        }
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9') return false;
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}
