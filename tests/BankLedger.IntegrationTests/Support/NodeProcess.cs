using System.Diagnostics;
using System.Text;
using BankLedger.TestSupport;

namespace BankLedger.IntegrationTests.Support;

/// <summary>
/// A ledger node as a separate OS process (the real executable, real Kestrel on 127.0.0.1), for tests
/// that must crash it (kill -9) or watch it refuse to start.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the node with <c>--Ledger:Key=value</c> arguments; does not wait for it to be ready.</summary>
    public static NodeProcess Start(IDictionary<string, string> settings, int? httpPort = null, IDictionary<string, string>? environment = null)
    {
        var port = httpPort ?? FreePort.Get();
        var nodeDll = Path.Combine(AppContext.BaseDirectory, "BankLedger.Node.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(nodeDll);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the node process");
        return new NodeProcess(process, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Waits until <c>/health</c> answers 200.</summary>
    public async Task<HttpClient> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.Until(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"node exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await client.GetAsync("/health");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, timeout, "the node answers /health");
        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a power cut or OOM kill does to the process.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
