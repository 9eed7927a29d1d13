using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BankLedger.Bench.Infrastructure;

/// <summary>What the numbers were measured on.</summary>
internal static class MachineInfo
{
    public static int Cores => Environment.ProcessorCount;

    public static long? TotalMemoryBytes
    {
        get
        {
            try
            {
                var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                if (line is null) return null;
                var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public static string? CpuModel
    {
        get
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>1-minute load average (/proc/loadavg), to tell a quiet machine from a shared one.</summary>
    public static double? LoadAverage1m
    {
        get
        {
            try
            {
                var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                return double.Parse(first, CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public static string Os => RuntimeInformation.OSDescription;

    public static string Runtime => RuntimeInformation.FrameworkDescription;

    public static string? GitCommit(string repoRoot) => Git(repoRoot, "rev-parse", "--short", "HEAD");

    /// <summary>True when tracked files under src/ differ from the commit (the node measured is not exactly that commit).</summary>
    public static bool? SourceDirty(string repoRoot)
    {
        var status = Git(repoRoot, "status", "--porcelain", "--", "src", "hocon");
        return status is null ? null : status.Length > 0;
    }

    private static string? Git(string repoRoot, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repoRoot };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
