using System.Globalization;
using System.Runtime.InteropServices;

namespace Spgd.Core.Benchmarks;

/// <summary>Where a benchmark ran: enough to compare numbers across machines (read from /proc on Linux).</summary>
/// <param name="LogicalCores">Environment.ProcessorCount (cgroup-limited where the runtime detects a limit).</param>
/// <param name="CpuModel">"model name" of /proc/cpuinfo, or the OS architecture.</param>
/// <param name="MemoryGiB">MemTotal of /proc/meminfo, if readable.</param>
/// <param name="LoadAverage1Min">The 1-minute load average when captured: other work competing for the cores.</param>
/// <param name="TorchThreads">libtorch intra-op threads.</param>
/// <param name="Runtime">.NET and OS description.</param>
/// <param name="Allocator">The native allocator libtorch's CPU tensors come from (see <see cref="Spgd.Core.Runtime.NativeAllocator"/>).</param>
/// <param name="CpuFlags">The CPU's notable instruction-set flags (<see cref="Spgd.Core.Runtime.CpuFeatures.Notable"/>): machines
/// sold under one model name differ in them, and they decide libtorch's kernels.</param>
public sealed record MachineInfo(int LogicalCores, string CpuModel, double? MemoryGiB, double? LoadAverage1Min, int TorchThreads, string Runtime,
    string Allocator, IReadOnlyList<string> CpuFlags)
{
    /// <summary>Describes this machine now.</summary>
    public static MachineInfo Capture() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcField("/proc/meminfo", "MemTotal") is { } mem && double.TryParse(mem.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var kib)
            ? Math.Round(kib / 1024 / 1024, 1) : null,
        LoadAverage(),
        TorchSharp.torch.get_num_threads(),
        $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}",
        Spgd.Core.Runtime.NativeAllocator.Current,
        Spgd.Core.Runtime.CpuFeatures.Current.NotablePresent);

    /// <summary>The 1-minute load average from /proc/loadavg, or null.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    private static string? ProcField(string path, string key)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == key) return line[(colon + 1)..].Trim();
        }
        return null;
    }
}
