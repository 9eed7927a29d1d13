using System.Text;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>Index and alias name rules, date-math names and simple wildcard matching.</summary>
internal static class IndexNames
{
    private static readonly char[] InvalidChars = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ','];

    public static void ValidateIndexName(string name)
    {
        var reason = InvalidNameReason(name);
        if (reason is not null)
        {
            throw EsException.InvalidIndexName(name, reason);
        }
    }

    public static void ValidateAliasName(string name)
    {
        var reason = InvalidNameReason(name);
        if (reason is not null)
        {
            throw EsException.InvalidAliasName(name, reason);
        }
    }

    private static string? InvalidNameReason(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }

        if (name.IndexOfAny(InvalidChars) >= 0)
        {
            return "must not contain the following characters [' ', '\"', '*', ',', '/', '<', '>', '?', '\\\\', '|']";
        }

        if (name.Contains('#', StringComparison.Ordinal))
        {
            return "must not contain '#'";
        }

        if (name.Contains(':', StringComparison.Ordinal))
        {
            return "must not contain ':'";
        }

        if (name[0] is '_' or '-' or '+')
        {
            return "must not start with '_', '-', or '+'";
        }

        if (!string.Equals(name.ToLowerInvariant(), name, StringComparison.Ordinal))
        {
            return "must be lowercase";
        }

        if (name is "." or "..")
        {
            return "must not be '.' or '..'";
        }

        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > 255)
        {
            return $"index name is too long, ({bytes} > 255)";
        }

        return null;
    }

    /// <summary>Resolves <c>&lt;static{date-math{format}}&gt;</c> names; other names are returned unchanged.</summary>
    public static string ResolveDateMath(string expression, long nowMillis)
    {
        if (expression.Length < 2 || expression[0] != '<' || expression[^1] != '>')
        {
            return expression;
        }

        var inner = expression[1..^1];
        var sb = new StringBuilder();
        var i = 0;
        while (i < inner.Length)
        {
            var c = inner[i];
            if (c == '\\' && i + 1 < inner.Length)
            {
                sb.Append(inner[i + 1]);
                i += 2;
                continue;
            }

            if (c == '}')
            {
                throw Invalid(expression, "invalid character in placeholder at position [" + i + "]");
            }

            if (c != '{')
            {
                sb.Append(c);
                i++;
                continue;
            }

            // {math{format}} — find the matching close brace.
            var depth = 0;
            var start = i + 1;
            var end = -1;
            for (var j = i; j < inner.Length; j++)
            {
                if (inner[j] == '{')
                {
                    depth++;
                }
                else if (inner[j] == '}')
                {
                    depth--;
                    if (depth == 0)
                    {
                        end = j;
                        break;
                    }
                }
            }

            if (end < 0)
            {
                throw Invalid(expression, "date math placeholder is open ended");
            }

            var placeholder = inner[start..end];
            var format = "yyyy.MM.dd";
            var fmtStart = placeholder.IndexOf('{', StringComparison.Ordinal);
            var math = placeholder;
            if (fmtStart >= 0)
            {
                if (!placeholder.EndsWith('}'))
                {
                    throw Invalid(expression, "invalid dynamic name expression");
                }

                format = placeholder[(fmtStart + 1)..^1];
                math = placeholder[..fmtStart];
                if (format.Contains('|', StringComparison.Ordinal))
                {
                    var parts = format.Split('|');
                    format = parts[0];
                    if (parts.Length > 1 && parts[1] is not ("UTC" or "Z" or "+00:00" or ""))
                    {
                        throw EsException.Unsupported("time zones in date math index names");
                    }
                }
            }

            if (!EsDates.TryResolve(math, EsDates.SplitFormats(EsDates.DefaultFormat), false, nowMillis, out var millis))
            {
                throw EsException.Unsupported($"date math expression [{math}] in index name");
            }

            sb.Append(EsDates.Format(millis, format));
            i = end + 1;
        }

        return sb.ToString();
    }

    private static EsException Invalid(string expression, string reason) =>
        new(400, "parsing_exception", $"invalid dynamic name expression [{expression}]. {reason}");

    public static bool IsWildcard(string s) => s.Contains('*', StringComparison.Ordinal);

    /// <summary>Regex.simpleMatch: only '*' is special.</summary>
    public static bool SimpleMatch(string pattern, string value)
    {
        var p = 0;
        var v = 0;
        var star = -1;
        var mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Splits a comma-separated list like Java's String.split(","): empty trailing parts dropped.</summary>
    public static List<string> SplitCommas(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }

        var parts = value.Split(',').ToList();
        while (parts.Count > 0 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1);
        }

        return parts;
    }
}
