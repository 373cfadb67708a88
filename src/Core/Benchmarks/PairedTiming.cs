namespace Spgd.Core.Benchmarks;

/// <summary>
/// Two measurements taken in alternation in one process, for a ratio between them: pair i times <see cref="Baseline"/>
/// and <see cref="Candidate"/> back to back, the order swapping every pair (B C, C B, B C, …).
/// </summary>
/// <remarks>
/// Separate processes see different moments of a machine whose speed drifts by a few per cent over a minute (a VM's
/// neighbours, the runtime warming up), and each such shift lands on one side of the ratio only. Alternating puts every
/// shift on both sides alike; swapping the order cancels whatever the first of two runs pays (caches the other left
/// cold). The price: the process holds both subjects, so its peak memory belongs to neither.
/// </remarks>
/// <param name="Baseline">The reference, e.g. float32.</param>
/// <param name="Candidate">What is compared with it, e.g. bf16; its repeat i was timed next to the baseline's repeat i.</param>
public sealed record PairedTiming(TimingSummary Baseline, TimingSummary Candidate)
{
    /// <summary>Candidate seconds over baseline seconds, pair by pair.</summary>
    public IReadOnlyList<double> Ratios => [.. Candidate.Seconds.Zip(Baseline.Seconds, (c, b) => c / b)];

    /// <summary>Median of <see cref="Ratios"/>: the figure to quote.</summary>
    public double MedianRatio => TimingSummary.MedianOf(Ratios);

    /// <summary>
    /// Warms up with both (<paramref name="warmup"/> pairs, more while the JIT is busy: <see cref="WarmUp.Run"/>), then
    /// times <paramref name="repeats"/> pairs, swapping which runs first every pair.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one repeat, or a negative warm-up count.</exception>
    public static PairedTiming Measure(Action baseline, Action candidate, int repeats, int warmup)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        int warmupRuns = WarmUp.Run(() => { baseline(); candidate(); }, warmup);
        var jit = WarmUp.CompilationTime();
        var b = new double[repeats];
        var c = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            if (i % 2 == 0) { b[i] = TimingSummary.Time(baseline); c[i] = TimingSummary.Time(candidate); }
            else { c[i] = TimingSummary.Time(candidate); b[i] = TimingSummary.Time(baseline); }
        }
        // The JIT's time while timed is the pair's; both summaries carry it.
        double jitSeconds = (WarmUp.CompilationTime() - jit).TotalSeconds;
        return new PairedTiming(new TimingSummary(b, warmupRuns, jitSeconds), new TimingSummary(c, warmupRuns, jitSeconds));
    }
}
