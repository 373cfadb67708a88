using System.Globalization;

namespace Spgd.Core.Benchmarks;

/// <summary>
/// Resident memory of this process from <c>/proc/self/status</c> (Linux): libtorch allocates outside the .NET heap,
/// so only the kernel's view counts everything. <c>VmHWM</c> is the high-water mark since the process started and
/// cannot be reset, so a peak belongs to a whole process: run a memory benchmark in its own process.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) in MiB, or null where /proc is not available.</summary>
    public static double? PeakResidentMiB => ReadKiB("VmHWM:") is { } kib ? kib / 1024.0 : null;

    /// <summary>Current resident set size (VmRSS) in MiB, or null where /proc is not available.</summary>
    public static double? ResidentMiB => ReadKiB("VmRSS:") is { } kib ? kib / 1024.0 : null;

    private static long? ReadKiB(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        return null;
    }
}
