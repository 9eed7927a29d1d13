using System.Collections.Concurrent;
using System.Diagnostics;

namespace BankLedger.Bench.Infrastructure;

/// <summary>
/// A system under test running as its own OS process on 127.0.0.1 (the ledger node or the CRUD service).
/// Output is drained continuously (a full pipe would stall the child) and the tail kept for error reports.
/// Every child is killed when the harness exits, however it exits.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly string _name;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process, Uri baseAddress)
    {
        _name = name;
        _process = process;
        BaseAddress = baseAddress;
        StartedAt = Stopwatch.GetTimestamp();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Live[process.Id] = process;
    }

    public Uri BaseAddress { get; }

    /// <summary>CPU time the process has used so far (user + system), read afresh.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Stopwatch timestamp of the launch.</summary>
    public long StartedAt { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet &lt;dll&gt; [mode] --urls=http://127.0.0.1:&lt;port&gt; args...</c>; does not wait for readiness.</summary>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? mode = null)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{name}: {dll} not found (build it first)", dll);
        var port = FreePort.Get();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        if (mode is not null) start.ArgumentList.Add(mode);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        return new ChildProcess(name, process, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Polls <c>/health</c> until it answers 200; returns the seconds since launch.</summary>
    public async Task<double> WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{_name} exited with {_process.ExitCode}:\n{Tail}");
            try
            {
                using var response = await client.GetAsync("/health");
                if (response.IsSuccessStatusCode) return Stopwatch.GetElapsedTime(StartedAt).TotalSeconds;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"{_name} not ready after {timeout}:\n{Tail}");
            await Task.Delay(50);
        }
    }

    public string Tail
    {
        get { lock (_tail) return string.Join('\n', _tail); }
    }

    /// <summary>SIGKILL: what a crash does. Every acknowledged write is on disk by contract, so nothing is lost.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        Live.TryRemove(_process.Id, out _);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 200) _tail.Dequeue();
        }
    }

    private static void KillAll()
    {
        foreach (var process in Live.Values)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
