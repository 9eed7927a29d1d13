using System.Diagnostics;
using System.Runtime.InteropServices;
using HdrHistogram;

namespace BankLedger.Bench.Load;

/// <summary>
/// Open-loop load at a fixed offered rate. Request <c>i</c> is due at <c>start + i / rate</c> no matter how
/// earlier requests fared; each latency is measured from that <em>intended</em> send time to the end of its
/// response, so a stalled server is charged for every request it delayed (no coordinated omission).
/// <para>
/// One dedicated thread sends; it sleeps with microsecond timers between due times (no spinning: the
/// machine has two cores and the server needs them) and sends every overdue request at once when it
/// wakes late. Responses complete on the thread pool. How late the sender itself was is recorded
/// separately (<see cref="PhaseResult.SendLagP99Ms"/>), so a saturated generator shows.
/// </para>
/// </summary>
internal static partial class OpenLoop
{
    private const long HighestMicros = 60_000_000;

    /// <summary>
    /// Where to write each phase's per-request log (<c>--latency-log</c>), or null. One line per recorded request:
    /// its due time since recording started, its latency, and its due time on the monotonic clock
    /// (<see cref="Stopwatch"/>, CLOCK_MONOTONIC on Linux), so it can be lined up with samples taken by other
    /// processes — how this project found what stalls a node for tens of milliseconds.
    /// </summary>
    public static string? LatencyLogDirectory { get; set; }

    /// <param name="StopOnBacklog">
    /// Max-rate steps stop early once a second of requests is queued (the step has failed for certain); the
    /// fixed-rate phases that produce headline keys never do, so their percentiles cover the whole phase.
    /// </param>
    public sealed record Phase(string System, string Operation, AccountMix Mix, int Rate, TimeSpan WarmUp, TimeSpan Duration, bool StopOnBacklog = true);

    public static async Task<PhaseResult> RunAsync(
        HttpClient client, Phase phase, Func<int, HttpRequestMessage> request, Action? onRecordingStarts = null, int seed = 17)
    {
        var latency = new LongConcurrentHistogram(1, HighestMicros, 3);
        var sendLag = new LongHistogram(HighestMicros, 3);
        var state = new State();
        var frequency = Stopwatch.Frequency;
        var interval = (double)frequency / phase.Rate;
        var warmCount = (long)Math.Round(phase.WarmUp.TotalSeconds * phase.Rate);
        var total = warmCount + (long)Math.Round(phase.Duration.TotalSeconds * phase.Rate);
        var random = new Random(seed);
        // A backlog of a full second of requests means latencies of a second or more: the phase has failed,
        // so stop offering load instead of queueing minutes of it (the rest is counted as not sent).
        var abortBacklog = Math.Max(500, phase.Rate);
        using var abort = new CancellationTokenSource();

        var sender = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp() + frequency / 100;
            Volatile.Write(ref state.RecordStart, start + (long)(warmCount * interval));
            for (long i = 0; i < total; i++)
            {
                var due = start + (long)(i * interval);
                var now = Stopwatch.GetTimestamp();
                while (now < due)
                {
                    var micros = (due - now) * 1_000_000 / frequency;
                    if (micros > 50) Sleep((uint)Math.Min(micros - 20, 10_000));
                    else Thread.Yield();
                    now = Stopwatch.GetTimestamp();
                }
                var recorded = i >= warmCount;
                if (i == warmCount) onRecordingStarts?.Invoke();
                if (recorded)
                {
                    sendLag.RecordValue(Math.Clamp((now - due) * 1_000_000 / frequency, 0, HighestMicros));
                    Interlocked.Increment(ref state.Sent);
                }
                var inFlight = Interlocked.Increment(ref state.InFlight);
                if (inFlight > state.MaxInFlight) state.MaxInFlight = inFlight;
                _ = SendAsync(client, request(phase.Mix.Next(random)), due, recorded, latency, state, abort.Token);
                if (phase.StopOnBacklog && inFlight > abortBacklog)
                {
                    var notSent = total - Math.Max(i + 1, warmCount);
                    state.Aborted = true;
                    Interlocked.Add(ref state.Sent, notSent);
                    state.CountError("not_sent_backlog", notSent);
                    break;
                }
            }
            state.SenderDone = true;
            if (Interlocked.Read(ref state.InFlight) == 0) state.Drained.TrySetResult();
            state.SenderFinished.TrySetResult();
        })
        { IsBackground = true, Name = "open-loop sender", Priority = ThreadPriority.AboveNormal };
        sender.Start();

        // Every request ends by the client timeout; the margin covers a saturated thread pool.
        var drainTimeout = phase.WarmUp + phase.Duration + client.Timeout + TimeSpan.FromSeconds(30);
        await state.SenderFinished.Task; // never Join: that would block a thread-pool thread the responses need
        if (state.Aborted) drainTimeout = TimeSpan.FromSeconds(2);
        var drained = await Task.WhenAny(state.Drained.Task, Task.Delay(drainTimeout));
        if (drained != state.Drained.Task)
        {
            // Cancelled requests count as errors; wait for them to unwind so the next phase starts clean.
            await abort.CancelAsync();
            if (await Task.WhenAny(state.Drained.Task, Task.Delay(TimeSpan.FromSeconds(30))) != state.Drained.Task)
                state.CountError("not_finished", Interlocked.Read(ref state.InFlight));
        }

        var recordedFrom = Volatile.Read(ref state.RecordStart);
        if (state.Requests is { } requests) WriteLatencyLog(LatencyLogDirectory!, phase, requests, recordedFrom);
        var lastCompletion = Math.Max(Interlocked.Read(ref state.LastCompletion), recordedFrom + (long)(phase.Duration.TotalSeconds * frequency));
        var seconds = (double)(lastCompletion - recordedFrom) / frequency;
        double Ms(long micros) => micros / 1000.0;
        var empty = latency.TotalCount == 0;
        return new PhaseResult
        {
            System = phase.System,
            Operation = phase.Operation,
            Mix = phase.Mix.Name,
            OfferedRate = phase.Rate,
            DurationS = phase.Duration.TotalSeconds,
            Sent = Interlocked.Read(ref state.Sent),
            Ok = Interlocked.Read(ref state.Ok),
            Errors = state.ErrorSnapshot(),
            AchievedRate = Interlocked.Read(ref state.Ok) / seconds,
            P50Ms = empty ? double.NaN : Ms(latency.GetValueAtPercentile(50)),
            P99Ms = empty ? double.NaN : Ms(latency.GetValueAtPercentile(99)),
            P999Ms = empty ? double.NaN : Ms(latency.GetValueAtPercentile(99.9)),
            MaxMs = empty ? double.NaN : Ms(latency.GetMaxValue()),
            MaxInFlight = state.MaxInFlight,
            Aborted = state.Aborted,
            SendLagP99Ms = sendLag.TotalCount == 0 ? 0 : Ms(sendLag.GetValueAtPercentile(99)),
        };
    }

    private static async Task SendAsync(
        HttpClient client, HttpRequestMessage request, long due, bool recorded, LongConcurrentHistogram latency, State state, CancellationToken abort)
    {
        string? error = null;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, abort).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299) error = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (TaskCanceledException)
        {
            error = abort.IsCancellationRequested ? "cancelled_after_abort" : "timeout";
        }
        catch (HttpRequestException)
        {
            error = "connection";
        }
        finally
        {
            request.Dispose();
        }

        var end = Stopwatch.GetTimestamp();
        if (recorded)
        {
            // Errors are recorded too: a fast 503 must not hide behind the successes' percentiles, nor the other way round.
            latency.RecordValue(Math.Clamp((end - due) * 1_000_000 / Stopwatch.Frequency, 1, HighestMicros));
            state.Requests?.Enqueue((due, end));
            if (error is null) Interlocked.Increment(ref state.Ok);
            else state.CountError(error, 1);
            long seen;
            while (end > (seen = Interlocked.Read(ref state.LastCompletion)) && Interlocked.CompareExchange(ref state.LastCompletion, end, seen) != seen)
            {
            }
        }
        if (Interlocked.Decrement(ref state.InFlight) == 0 && state.SenderDone) state.Drained.TrySetResult();
    }

    private sealed class State
    {
        /// <summary>Due and end timestamps of every recorded request, kept only for <see cref="LatencyLogDirectory"/>.</summary>
        public readonly System.Collections.Concurrent.ConcurrentQueue<(long Due, long End)>? Requests = LatencyLogDirectory is null ? null : new();
        public long Sent;
        public long Ok;
        public long InFlight;
        public long MaxInFlight;
        public long LastCompletion;
        public long RecordStart;
        public volatile bool SenderDone;
        public volatile bool Aborted;
        public readonly TaskCompletionSource Drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource SenderFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<string, long> _errors = [];

        public void CountError(string code, long count)
        {
            lock (_errors) _errors[code] = _errors.GetValueOrDefault(code) + count;
        }

        public IReadOnlyDictionary<string, long> ErrorSnapshot()
        {
            lock (_errors) return new Dictionary<string, long>(_errors);
        }
    }

    private static void WriteLatencyLog(string directory, Phase phase, IEnumerable<(long Due, long End)> requests, long recordedFrom)
    {
        static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(directory);
        var lines = requests.OrderBy(r => r.Due).Select(r => $"{Ms(r.Due - recordedFrom)}\t{Ms(r.End - r.Due)}\t{Ms(r.Due)}");
        File.WriteAllLines(
            Path.Combine(directory, $"{phase.System}-{phase.Operation}-{phase.Mix.Name}-{phase.Rate}.tsv"),
            lines.Prepend("due_ms\tlatency_ms\tdue_monotonic_ms"));
    }

    /// <summary>Microsecond sleep (Linux hrtimer; typically wakes within ~60 µs). Thread.Sleep only has milliseconds.</summary>
    private static void Sleep(uint microseconds)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = usleep(microseconds);
        else Thread.Sleep(TimeSpan.FromTicks(microseconds * 10));
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int usleep(uint usec);
}
