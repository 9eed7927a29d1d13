namespace BankLedger.Projections;

/// <summary>Percentiles of recent commit-to-visible lag, in milliseconds.</summary>
public sealed record LagSummary(int Count, double P50Ms, double P99Ms, double P999Ms, double MaxMs);

/// <summary>
/// Keeps the most recent <see cref="Capacity"/> lag samples (journal write instant → read-store commit
/// instant) in a ring, so operators and the benchmark can read current percentiles in bounded memory.
/// </summary>
public sealed class LagRecorder
{
    public const int Capacity = 1 << 17;

    private readonly long[] _microseconds = new long[Capacity];
    private readonly Lock _gate = new();
    private long _written;

    public void Record(TimeSpan lag)
    {
        var micros = Math.Max(0, (long)(lag.Ticks / 10));
        lock (_gate)
        {
            _microseconds[_written % Capacity] = micros;
            _written++;
        }
    }

    public void Reset()
    {
        lock (_gate) _written = 0;
    }

    public LagSummary Summarize()
    {
        long[] samples;
        lock (_gate)
        {
            var count = (int)Math.Min(_written, Capacity);
            samples = _microseconds.AsSpan(0, count).ToArray();
        }
        if (samples.Length == 0) return new LagSummary(0, 0, 0, 0, 0);
        Array.Sort(samples);
        double At(double quantile) => samples[(int)Math.Min(samples.Length - 1, Math.Ceiling(quantile * samples.Length) - 1)] / 1000.0;
        return new LagSummary(samples.Length, At(0.50), At(0.99), At(0.999), samples[^1] / 1000.0);
    }
}
