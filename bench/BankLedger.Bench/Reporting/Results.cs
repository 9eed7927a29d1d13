using System.Globalization;
using System.Text;
using System.Text.Json;
using BankLedger.Bench.Load;

namespace BankLedger.Bench.Reporting;

/// <summary>Everything a run measured: headline keys (ms or per second), every phase, and notes.</summary>
internal sealed class Results
{
    /// <summary>The keys the issue requires; the report lists which are missing when a scenario was skipped.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys =
    [
        "write_p50_ms_at_1000", "write_p99_ms_at_1000", "write_max_rate_p99_under_15ms", "read_p99_ms_at_5000",
        "lag_p50_ms_at_1000", "lag_p99_ms_at_1000", "crud_max_rate_p99_under_15ms", "crud_hot_max_rate_p99_under_15ms",
        "ledger_hot_max_rate_p99_under_15ms", "raw_insert_rows_per_s", "rebuild_events_per_s", "recovery_ms_100k_events",
        "store", "machine", "git_commit", "quick",
    ];

    private readonly List<(string Key, object? Value)> _values = [];
    private readonly List<PhaseResult> _phases = [];
    private readonly List<string> _notes = [];

    public void Set(string key, object? value)
    {
        var index = _values.FindIndex(v => v.Key == key);
        if (index >= 0) _values[index] = (key, value);
        else _values.Add((key, value));
    }

    public object? Get(string key) => _values.FirstOrDefault(v => v.Key == key).Value;

    public void Add(PhaseResult phase)
    {
        _phases.Add(phase);
        Console.WriteLine($"  {phase.Label,-32} achieved {phase.AchievedRate,8:F0}/s  P50 {phase.P50Ms,7:F2}  P99 {phase.P99Ms,8:F2}  " +
                          $"P99.9 {phase.P999Ms,8:F2}  max {phase.MaxMs,8:F1} ms  errors {phase.ErrorCount}{Errors(phase)}  " +
                          $"in-flight ≤{phase.MaxInFlight}  send-lag P99 {phase.SendLagP99Ms:F2} ms  {(phase.Passes ? "pass" : "FAIL")}");
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public IReadOnlyList<string> MissingKeys => RequiredKeys.Where(k => _values.All(v => v.Key != k || v.Value is null)).ToArray();

    public void WriteJson(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        foreach (var (key, value) in _values) WriteValue(json, key, value);
        json.WriteStartArray("phases");
        foreach (var phase in _phases)
        {
            json.WriteStartObject();
            json.WriteString("system", phase.System);
            json.WriteString("operation", phase.Operation);
            json.WriteString("mix", phase.Mix);
            json.WriteNumber("offered_per_s", phase.OfferedRate);
            WriteValue(json, "achieved_per_s", Math.Round(phase.AchievedRate, 1));
            json.WriteNumber("duration_s", phase.DurationS);
            json.WriteNumber("sent", phase.Sent);
            json.WriteNumber("ok", phase.Ok);
            WriteValue(json, "p50_ms", phase.P50Ms);
            WriteValue(json, "p99_ms", phase.P99Ms);
            WriteValue(json, "p999_ms", phase.P999Ms);
            WriteValue(json, "max_ms", phase.MaxMs);
            json.WriteStartObject("errors");
            foreach (var (code, count) in phase.Errors.OrderBy(e => e.Key, StringComparer.Ordinal)) json.WriteNumber(code, count);
            json.WriteEndObject();
            json.WriteNumber("max_in_flight", phase.MaxInFlight);
            WriteValue(json, "generator_send_lag_p99_ms", phase.SendLagP99Ms);
            json.WriteBoolean("passes", phase.Passes);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (var note in _notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case double d when double.IsNaN(d) || double.IsInfinity(d): json.WriteNull(key); break;
            case double d: json.WriteNumber(key, Math.Round(d, 3)); break;
            case int i: json.WriteNumber(key, i); break;
            case long l: json.WriteNumber(key, l); break;
            case bool b: json.WriteBoolean(key, b); break;
            case string s: json.WriteString(key, s); break;
            case IReadOnlyList<double> samples:
                json.WriteStartArray(key);
                foreach (var sample in samples) json.WriteNumberValue(Math.Round(sample, 3));
                json.WriteEndArray();
                break;
            case IReadOnlyDictionary<string, object?> nested:
                json.WriteStartObject(key);
                foreach (var (k, v) in nested) WriteValue(json, k, v);
                json.WriteEndObject();
                break;
            default: json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Targets from the issue, for the report's last column.</summary>
    private static readonly Dictionary<string, string> Targets = new()
    {
        ["write_p99_ms_at_1000"] = "≤ 5 ms",
        ["write_max_rate_p99_under_15ms"] = "≥ 3,000/s SQLite, ≥ 5,000/s PostgreSQL",
        ["ledger_hot_max_rate_p99_under_15ms"] = "≥ 2× crud_hot",
        ["read_p99_ms_at_5000"] = "≤ 1 ms",
        ["lag_p99_ms_at_1000"] = "≤ 50 ms",
        ["rebuild_events_per_s"] = "≥ 50,000/s",
        ["recovery_ms_100k_events"] = "≤ 20 ms",
        ["crud_max_rate_p99_under_15ms"] = "ledger write max ≥ 1× this",
        ["crud_hot_max_rate_p99_under_15ms"] = "ledger hot max ≥ 2× this",
    };

    public string Markdown(string title)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine();
        md.AppendLine("| key | value | target |").AppendLine("|---|---|---|");
        foreach (var (key, value) in _values)
        {
            if (value is IReadOnlyDictionary<string, object?> nested)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {string.Join(", ", nested.Select(n => $"{n.Key}={Format(n.Value)}"))} | |");
                continue;
            }
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {Format(value)} | {Targets.GetValueOrDefault(key, "")} |");
        }
        md.AppendLine().AppendLine("| system | op | mix | offered/s | achieved/s | P50 ms | P99 ms | P99.9 ms | max ms | errors | P99 ≤ 15 ms & ≥ 95% & < 0.1% err |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var p in _phases)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.System} | {p.Operation} | {p.Mix} | {p.OfferedRate} | {p.AchievedRate:F0} | {p.P50Ms:F2} | {p.P99Ms:F2} | {p.P999Ms:F2} | {p.MaxMs:F1} | {(p.ErrorCount == 0 ? "0" : p.ErrorCount + Errors(p))} | {(p.Passes ? "pass" : "fail")} |");
        }
        if (_notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in _notes) md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }
        return md.ToString();
    }

    private static string Errors(PhaseResult phase) =>
        phase.ErrorCount == 0 ? "" : " (" + string.Join(", ", phase.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}")) + ")";

    private static string Format(object? value) => value switch
    {
        null => "—",
        double d when double.IsNaN(d) => "—",
        double d => d.ToString(d >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        IReadOnlyList<double> samples => string.Join(" / ", samples.Select(s => Format(s))),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
