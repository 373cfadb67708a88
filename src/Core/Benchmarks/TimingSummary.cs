namespace Spgd.Core.Benchmarks;

/// <summary>Wall-clock seconds of the timed repeats of one measurement (warm-up runs are not included).</summary>
/// <param name="Seconds">Each timed repeat, in run order.</param>
/// <param name="WarmupRuns">Untimed runs made before them (see <see cref="WarmUp"/>); null where not counted.</param>
/// <param name="JitSeconds">Seconds the .NET JIT spent compiling, on any thread, during the timed repeats: evidence that
/// they measured the work and not the runtime warming up; null where not measured.</param>
public sealed record TimingSummary(IReadOnlyList<double> Seconds, int? WarmupRuns = null, double? JitSeconds = null)
{
    /// <summary>Median of <see cref="Seconds"/> (mean of the middle two for an even count).</summary>
    public double Median => MedianOf(Seconds);

    /// <summary>Median of <paramref name="values"/> (mean of the middle two for an even count; NaN for none).</summary>
    public static double MedianOf(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Fastest repeat.</summary>
    public double Min => Seconds.Count == 0 ? double.NaN : Seconds.Min();

    /// <summary>Slowest repeat.</summary>
    public double Max => Seconds.Count == 0 ? double.NaN : Seconds.Max();

    /// <summary>Warms up with <paramref name="action"/> (<paramref name="warmup"/> runs, more while the JIT is busy:
    /// <see cref="WarmUp.Run"/>), then runs it <paramref name="repeats"/> times timed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one repeat, or a negative warm-up count.</exception>
    public static TimingSummary Measure(Action action, int repeats, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        int warmupRuns = WarmUp.Run(action, warmup);
        var jit = WarmUp.CompilationTime();
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) seconds[i] = Time(action);
        return new TimingSummary(seconds, warmupRuns, (WarmUp.CompilationTime() - jit).TotalSeconds);
    }

    /// <summary>Wall-clock seconds of one run of <paramref name="action"/>.</summary>
    internal static double Time(Action action)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        action();
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
