using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BankLedger.Bench.Infrastructure;

/// <summary>
/// Flushes the operating system's deferred file writes (<c>sync(2)</c>) between scenarios. The raw-insert, CRUD and
/// seeding phases leave hundreds of megabytes of dirty pages that the kernel writes back over the next ~30 s; without
/// this, whichever scenario comes next pays for that disk traffic (a cold recovery measured 24 ms in full runs and
/// 13–16 ms on the same journal when run alone).
/// </summary>
internal static partial class WriteBack
{
    public static void Flush(BenchContext context, string before)
    {
        if (!OperatingSystem.IsLinux()) return;
        var started = Stopwatch.GetTimestamp();
        sync();
        context.Log($"flushed the OS's pending writes before {before} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial void sync();
}
