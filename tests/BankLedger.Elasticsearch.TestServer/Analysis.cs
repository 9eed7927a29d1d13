using System.Globalization;

namespace BankLedger.Elasticsearch.TestServer;

/// <summary>
/// The built-in analyzers the test server models, simply: <c>standard</c> (split on anything that is not a
/// letter or digit, lowercase), <c>simple</c> (split on non-letters, lowercase), <c>whitespace</c> (split on
/// whitespace) and <c>keyword</c> (the whole string). Custom analyzers are not supported.
/// </summary>
internal static class Analysis
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "standard", "simple", "whitespace", "keyword", "default" };

    private static readonly HashSet<string> BuiltInButUnsupported = new(StringComparer.Ordinal)
    {
        "stop", "pattern", "fingerprint", "english", "french", "german", "spanish", "italian", "dutch", "portuguese",
        "russian", "arabic", "cjk", "snowball",
    };

    public static void Validate(string analyzer, string field)
    {
        if (Known.Contains(analyzer))
        {
            return;
        }

        if (BuiltInButUnsupported.Contains(analyzer))
        {
            throw EsException.Unsupported($"analyzer [{analyzer}] on field [{field}]");
        }

        throw EsException.MapperParsing($"Failed to parse mapping: analyzer [{analyzer}] has not been configured in mappings",
            EsException.IllegalArgument($"analyzer [{analyzer}] has not been configured in mappings"));
    }

    public static bool IsKnown(string analyzer) => Known.Contains(analyzer);

    public static List<string> Tokenize(string text, string analyzer)
    {
        switch (analyzer)
        {
            case "keyword":
                return [text];
            case "whitespace":
                return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
            case "simple":
                return Split(text, char.IsLetter, joiners: false);
            default:
                return Split(text, char.IsLetterOrDigit, joiners: true);
        }
    }

    private static List<string> Split(string text, Func<char, bool> keep, bool joiners)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && (keep(text[i]) || (joiners && start >= 0 && IsInnerJoiner(text, i, keep)));
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                tokens.Add(text[start..i].ToLower(CultureInfo.InvariantCulture));
                start = -1;
            }
        }

        return tokens;
    }

    // The standard tokenizer keeps "don't" and "3.14" as one token: an apostrophe or dot between two kept chars.
    private static bool IsInnerJoiner(string text, int i, Func<char, bool> keep) =>
        (text[i] == '\'' || text[i] == '.') && i + 1 < text.Length && keep(text[i + 1]) && i > 0 && keep(text[i - 1]);
}
