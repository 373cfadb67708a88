using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Devices;

/// <summary>
/// How long one run (an item or a batch) may take on this device. A fixed <see cref="DeviceOptions.ItemDeadline"/> wins;
/// otherwise <see cref="DeviceOptions.DeadlineFactor"/> × the run's network evaluations × the device's measured seconds per
/// evaluation, never below <see cref="DeviceOptions.DeadlineFloor"/>; before anything is measured,
/// <see cref="DeviceOptions.UnmeasuredDeadline"/>. Thread-safe.
/// </summary>
public sealed class ItemDeadlines(DeviceOptions options, Func<WorkItem, long?> networkEvaluations)
{
    private readonly object _gate = new();
    private double? _secondsPerEvaluation;

    /// <summary>Measured seconds per network evaluation (smoothed), null before the first measured run.</summary>
    public double? SecondsPerEvaluation
    {
        get { lock (_gate) return _secondsPerEvaluation; }
    }

    /// <summary>The deadline of a run of <paramref name="items"/> (a batch takes as long as its slowest item).</summary>
    public TimeSpan For(IReadOnlyList<WorkItem> items)
    {
        if (options.ItemDeadline is { } fixedDeadline) return fixedDeadline;
        var rate = SecondsPerEvaluation;
        long? nfe = null;
        foreach (var item in items)
            if (Estimate(item) is { } n) nfe = Math.Max(nfe ?? 0, n);
        if (rate is null || nfe is null) return options.UnmeasuredDeadline;
        var derived = TimeSpan.FromSeconds(Math.Min(options.DeadlineFactor * nfe.Value * rate.Value, TimeSpan.MaxValue.TotalSeconds / 2));
        return derived > options.DeadlineFloor ? derived : options.DeadlineFloor;
    }

    /// <summary>Records a run that took <paramref name="seconds"/> for <paramref name="evaluations"/> network evaluations.</summary>
    public void Observe(long evaluations, double seconds)
    {
        if (evaluations <= 0 || !(seconds > 0) || !double.IsFinite(seconds)) return;
        var rate = seconds / evaluations;
        // Smoothed so one fast run (a warm cache) does not shrink the next deadline below a normal run.
        lock (_gate) _secondsPerEvaluation = _secondsPerEvaluation is { } old ? Math.Max(rate, 0.8 * old + 0.2 * rate) : rate;
    }

    private long? Estimate(WorkItem item)
    {
        try { return networkEvaluations(item); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException) { return null; }
    }
}
