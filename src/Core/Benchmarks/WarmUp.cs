using System.Diagnostics;
using System.Runtime;

namespace Spgd.Core.Benchmarks;

/// <summary>
/// The untimed runs before a measurement: the number asked for, then more while the .NET JIT is still busy.
/// </summary>
/// <remarks>
/// .NET compiles hot methods a second time (tier 1) on a background thread during the first evaluations. On a machine
/// with as many cores as libtorch threads, that thread takes a core from one of them and the other waits at the next
/// barrier, so those evaluations run slow. Measured on two Zen 5 cores, ffhq256 with gradient in bf16: evaluations 2
/// and 3 spent 81 and 149 ms compiling (6–12 % of their time) and took 1.30 s against 1.18–1.21 s from the fifth on;
/// with tiered compilation off, the second was already at 1.21 s. With one fixed warm-up run a timed median could land
/// on them (bf16 is hit harder: the same compile time over a shorter evaluation). The JIT never stops completely (a few
/// ms per evaluation later on), hence a share rather than zero.
/// </remarks>
public static class WarmUp
{
    /// <summary>A warm-up run that spent at most this share of its wall time in the JIT ends the warm-up.</summary>
    public const double QuietJitShare = 0.02;

    /// <summary>At most this many runs beyond those asked for, so a JIT that never quiets cannot hold a measurement.</summary>
    public const int MaxExtraRuns = 10;

    /// <summary>The JIT's total compile time so far, on any thread: the runtime's own count.</summary>
    public static TimeSpan CompilationTime() => JitInfo.GetCompilationTime(currentThread: false);

    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="requested"/> times, then again while the last run's JIT share was
    /// above <see cref="QuietJitShare"/> (at most <see cref="MaxExtraRuns"/> more). None when none is asked for.
    /// </summary>
    /// <param name="action">One run of the work to be measured.</param>
    /// <param name="requested">Runs asked for.</param>
    /// <param name="compilationTime">The JIT's total compile time so far, on any thread (default: the runtime's own
    /// count, <see cref="JitInfo.GetCompilationTime"/>); tests give a scripted one.</param>
    /// <returns>How many runs it made.</returns>
    public static int Run(Action action, int requested, Func<TimeSpan>? compilationTime = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        compilationTime ??= CompilationTime;
        int runs = 0;
        double jitShare = 0;
        while (runs < requested || (requested > 0 && jitShare > QuietJitShare && runs < requested + MaxExtraRuns))
        {
            var before = compilationTime();
            long start = Stopwatch.GetTimestamp();
            action();
            var wall = Stopwatch.GetElapsedTime(start);
            jitShare = wall > TimeSpan.Zero ? (compilationTime() - before) / wall : 0;
            runs++;
        }
        return runs;
    }
}
