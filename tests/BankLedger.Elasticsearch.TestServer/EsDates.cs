using System.Globalization;
using System.Text;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>
/// The date formats and date math the test server understands: ISO-8601 (<c>strict_date_optional_time</c>,
/// <c>date_optional_time</c>), <c>epoch_millis</c>, <c>epoch_second</c> and simple Java patterns
/// (<c>yyyy-MM-dd HH:mm:ss</c>). All times are UTC; <c>time_zone</c> is not supported.
/// </summary>
internal static class EsDates
{
    public const string DefaultFormat = "strict_date_optional_time||epoch_millis";

    private static readonly HashSet<string> NamedFormats = new(StringComparer.Ordinal)
    {
        "strict_date_optional_time", "date_optional_time", "strict_date_optional_time_nanos", "epoch_millis",
        "epoch_second", "strict_date", "date", "strict_date_time", "date_time", "strict_date_time_no_millis",
        "date_time_no_millis", "strict_date_hour_minute_second", "date_hour_minute_second", "strict_year_month_day",
        "year_month_day", "strict_year", "year", "strict_year_month", "year_month",
    };

    public static IReadOnlyList<string> SplitFormats(string format) =>
        format.Split("||", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Validates a mapping <c>format</c>; unknown patterns are rejected like Elasticsearch does.</summary>
    public static void ValidateFormat(string format, string field)
    {
        foreach (var f in SplitFormats(format))
        {
            if (NamedFormats.Contains(f))
            {
                continue;
            }

            if (ToDotNetPattern(f) is null)
            {
                throw EsException.MapperParsing(
                    $"Error parsing [format] on field [{field}]: Invalid format: [{format}]: Unknown pattern letter or unsupported by the test server");
            }
        }
    }

    public static bool TryParse(string text, IReadOnlyList<string> formats, bool roundUp, out long millis)
    {
        foreach (var f in formats)
        {
            if (TryParseOne(text, f, roundUp, out millis))
            {
                return true;
            }
        }

        millis = 0;
        return false;
    }

    private static bool TryParseOne(string text, string format, bool roundUp, out long millis)
    {
        millis = 0;
        switch (format)
        {
            case "strict_date_optional_time":
            case "strict_date_optional_time_nanos":
                return TryParseIso(text, strictYear: true, roundUp, requireTime: false, requireDay: false, out millis);
            case "date_optional_time":
                return TryParseIso(text, strictYear: false, roundUp, requireTime: false, requireDay: false, out millis);
            case "strict_date":
            case "strict_year_month_day":
                return TryParseIso(text, true, roundUp, false, true, out millis) && !text.Contains('T', StringComparison.Ordinal);
            case "date":
            case "year_month_day":
                return TryParseIso(text, false, roundUp, false, true, out millis) && !text.Contains('T', StringComparison.Ordinal);
            case "strict_date_time":
            case "date_time":
            case "strict_date_time_no_millis":
            case "date_time_no_millis":
            case "strict_date_hour_minute_second":
            case "date_hour_minute_second":
                return TryParseIso(text, format.StartsWith("strict", StringComparison.Ordinal), roundUp, true, true, out millis);
            case "strict_year":
            case "year":
                return text.Length > 0 && text.All(char.IsAsciiDigit) && TryParseIso(text, format == "strict_year", roundUp, false, false, out millis);
            case "strict_year_month":
            case "year_month":
                return text.Length > 5 && text.Count(c => c == '-') == 1 && TryParseIso(text, format == "strict_year_month", roundUp, false, false, out millis);
            case "epoch_millis":
                return TryParseEpoch(text, 1, out millis);
            case "epoch_second":
                return TryParseEpoch(text, 1000, out millis);
            default:
            {
                var pattern = ToDotNetPattern(format);
                if (pattern is null)
                {
                    return false;
                }

                if (DateTime.TryParseExact(text, pattern, CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
                {
                    millis = new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
                    if (roundUp && !pattern.Contains("ss", StringComparison.Ordinal))
                    {
                        millis += pattern.Contains("mm", StringComparison.Ordinal) ? 59_999
                            : pattern.Contains("HH", StringComparison.Ordinal) ? 3_599_999
                            : pattern.Contains("dd", StringComparison.Ordinal) ? 86_399_999 : 0;
                    }

                    return true;
                }

                return false;
            }
        }
    }

    private static bool TryParseEpoch(string text, long scale, out long millis)
    {
        millis = 0;
        if (text.Length == 0 || !(char.IsAsciiDigit(text[0]) || text[0] == '-'))
        {
            return false;
        }

        if (JsonUtil.TryLong(text, out var l))
        {
            millis = checked(l * scale);
            return true;
        }

        if (JsonUtil.TryDecimal(text, out var d) && !text.Contains('e', StringComparison.OrdinalIgnoreCase))
        {
            millis = (long)Math.Truncate(d * scale);
            return true;
        }

        return false;
    }

    /// <summary>ISO-8601 date with optional time and zone, as Elasticsearch's (strict_)date_optional_time.</summary>
    private static bool TryParseIso(string s, bool strictYear, bool roundUp, bool requireTime, bool requireDay, out long millis)
    {
        millis = 0;
        var i = 0;
        int ReadDigits(int min, int max)
        {
            var start = i;
            while (i < s.Length && i - start < max && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i - start < min)
            {
                return -1;
            }

            return int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture);
        }

        var year = strictYear ? ReadDigits(4, 4) : ReadDigits(1, 9);
        if (year < 0 || year > 9999 || year < 1)
        {
            return false;
        }

        int? month = null, day = null, hour = null, minute = null, second = null;
        long? fractionTicks = null;
        var offset = TimeSpan.Zero;
        if (i < s.Length && s[i] == '-')
        {
            i++;
            var m = strictYear ? ReadDigits(2, 2) : ReadDigits(1, 2);
            if (m < 1 || m > 12)
            {
                return false;
            }

            month = m;
            if (i < s.Length && s[i] == '-')
            {
                i++;
                var d = strictYear ? ReadDigits(2, 2) : ReadDigits(1, 2);
                if (d < 1 || d > DateTime.DaysInMonth(year, m))
                {
                    return false;
                }

                day = d;
            }
        }

        if (i < s.Length && s[i] == 'T')
        {
            if (day is null)
            {
                return false;
            }

            i++;
            var h = strictYear ? ReadDigits(2, 2) : ReadDigits(1, 2);
            if (h < 0 || h > 23)
            {
                return false;
            }

            hour = h;
            if (i < s.Length && s[i] == ':')
            {
                i++;
                var mi = strictYear ? ReadDigits(2, 2) : ReadDigits(1, 2);
                if (mi < 0 || mi > 59)
                {
                    return false;
                }

                minute = mi;
                if (i < s.Length && s[i] == ':')
                {
                    i++;
                    var se = strictYear ? ReadDigits(2, 2) : ReadDigits(1, 2);
                    if (se < 0 || se > 59)
                    {
                        return false;
                    }

                    second = se;
                    if (i < s.Length && (s[i] == '.' || s[i] == ','))
                    {
                        i++;
                        var start = i;
                        while (i < s.Length && i - start < 9 && char.IsAsciiDigit(s[i]))
                        {
                            i++;
                        }

                        if (i == start)
                        {
                            return false;
                        }

                        var digits = s.Substring(start, i - start).PadRight(7, '0')[..7];
                        fractionTicks = long.Parse(digits, CultureInfo.InvariantCulture);
                    }
                }
            }

            if (i < s.Length)
            {
                if (s[i] == 'Z')
                {
                    i++;
                }
                else if (s[i] == '+' || s[i] == '-')
                {
                    var sign = s[i] == '-' ? -1 : 1;
                    i++;
                    var oh = ReadDigits(2, 2);
                    if (oh < 0 || oh > 18)
                    {
                        return false;
                    }

                    var om = 0;
                    if (i < s.Length && s[i] == ':')
                    {
                        i++;
                        om = ReadDigits(2, 2);
                    }
                    else if (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        om = ReadDigits(2, 2);
                    }

                    if (om < 0 || om > 59)
                    {
                        return false;
                    }

                    offset = TimeSpan.FromMinutes(sign * ((oh * 60) + om));
                }
            }
        }

        if (i != s.Length)
        {
            return false;
        }

        if (requireDay && day is null)
        {
            return false;
        }

        if (requireTime && hour is null)
        {
            return false;
        }

        var mo = month ?? (roundUp ? 12 : 1);
        var dd = day ?? (roundUp ? DateTime.DaysInMonth(year, mo) : 1);
        var hh = hour ?? (roundUp ? 23 : 0);
        var mm = minute ?? (roundUp ? 59 : 0);
        var ss = second ?? (roundUp ? 59 : 0);
        var ticks = fractionTicks ?? (roundUp ? 9_990_000L : 0L);
        try
        {
            var dto = new DateTimeOffset(year, mo, dd, hh, mm, ss, offset).AddTicks(ticks);
            millis = dto.ToUnixTimeMilliseconds();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Converts a simple Java date pattern to a .NET one; null when it uses letters we do not model.</summary>
    public static string? ToDotNetPattern(string java)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < java.Length; i++)
        {
            var c = java[i];
            if (c == '\'')
            {
                var end = java.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return null;
                }

                sb.Append('\'').Append(java, i + 1, end - i - 1).Append('\'');
                i = end;
                continue;
            }

            if (char.IsAsciiLetter(c))
            {
                var run = 1;
                while (i + run < java.Length && java[i + run] == c)
                {
                    run++;
                }

                var token = c switch
                {
                    'y' or 'u' when run is 4 or 2 => new string('y', run),
                    'M' when run is 1 or 2 => new string('M', run),
                    'd' when run is 1 or 2 => new string('d', run),
                    'H' when run is 1 or 2 => new string('H', run),
                    'm' when run is 1 or 2 => new string('m', run),
                    's' when run is 1 or 2 => new string('s', run),
                    'S' when run <= 7 => new string('f', run),
                    _ => null,
                };
                if (token is null)
                {
                    return null;
                }

                sb.Append(token);
                i += run - 1;
                continue;
            }

            if ("-/:. ,_".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\').Append(c);
                continue;
            }

            return null;
        }

        return sb.ToString();
    }

    public static string Format(long millis, string javaPattern)
    {
        var pattern = ToDotNetPattern(javaPattern) ?? throw EsException.Unsupported($"date pattern [{javaPattern}]");
        return DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString(pattern, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Resolves a date-math expression (<c>now-1d/d</c>, <c>2020-01-01||+1M/d</c>, or a plain date) to epoch millis.
    /// <paramref name="roundUp"/> is used for <c>gt</c>/<c>lte</c> bounds as in Elasticsearch.
    /// </summary>
    public static bool TryResolve(string text, IReadOnlyList<string> formats, bool roundUp, long nowMillis, out long millis)
    {
        string math;
        long anchor;
        if (text.StartsWith("now", StringComparison.Ordinal))
        {
            anchor = nowMillis;
            math = text[3..];
        }
        else
        {
            var sep = text.IndexOf("||", StringComparison.Ordinal);
            if (sep < 0)
            {
                return TryParse(text, formats, roundUp, out millis);
            }

            math = text[(sep + 2)..];
            if (!TryParse(text[..sep], formats, roundUp && math.Length == 0, out anchor))
            {
                millis = 0;
                return false;
            }
        }

        return TryApplyMath(anchor, math, roundUp, out millis);
    }

    private static bool TryApplyMath(long anchor, string math, bool roundUp, out long millis)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(anchor).UtcDateTime;
        var i = 0;
        millis = anchor;
        while (i < math.Length)
        {
            var op = math[i++];
            if (op == '/')
            {
                if (i >= math.Length)
                {
                    return false;
                }

                var unit = math[i++];
                var start = unit switch
                {
                    'y' => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                    'M' => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
                    'w' => t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)),
                    'd' => t.Date,
                    'h' or 'H' => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc),
                    'm' => new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc),
                    's' => new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc),
                    _ => (DateTime?)null,
                };
                if (start is null)
                {
                    return false;
                }

                t = roundUp ? Add(start.Value, unit, 1).AddMilliseconds(-1) : start.Value;
                continue;
            }

            if (op != '+' && op != '-')
            {
                return false;
            }

            var numStart = i;
            while (i < math.Length && char.IsAsciiDigit(math[i]))
            {
                i++;
            }

            var n = i == numStart ? 1 : int.Parse(math.AsSpan(numStart, i - numStart), CultureInfo.InvariantCulture);
            if (i >= math.Length)
            {
                return false;
            }

            var u = math[i++];
            if ("yMwdhHms".IndexOf(u, StringComparison.Ordinal) < 0)
            {
                return false;
            }

            t = Add(t, u, op == '-' ? -n : n);
        }

        millis = new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        return true;
    }

    private static DateTime Add(DateTime t, char unit, int n) => unit switch
    {
        'y' => t.AddYears(n),
        'M' => t.AddMonths(n),
        'w' => t.AddDays(7 * n),
        'd' => t.AddDays(n),
        'h' or 'H' => t.AddHours(n),
        'm' => t.AddMinutes(n),
        _ => t.AddSeconds(n),
    };

    public static string ToIso(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
