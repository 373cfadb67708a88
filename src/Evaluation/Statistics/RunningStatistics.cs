namespace Spgd.Evaluation.Statistics;

/// <summary>
/// Count, mean, sample standard deviation, min and max of a stream of values in one pass (Welford), mergeable
/// (Chan et al.) so that partial aggregates of different workers combine exactly as if seen in one stream.
/// </summary>
public sealed class RunningStatistics
{
    /// <summary>An empty accumulator.</summary>
    public RunningStatistics()
    {
    }

    private RunningStatistics(long count, double mean, double m2, double min, double max)
    {
        Count = count;
        Mean = mean;
        SumOfSquaredDeviations = m2;
        Min = min;
        Max = max;
    }

    /// <summary>Number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Arithmetic mean (NaN when empty).</summary>
    public double Mean { get; private set; } = double.NaN;

    /// <summary>Σ(x − mean)², the state that makes merging exact; persist it with the other fields.</summary>
    public double SumOfSquaredDeviations { get; private set; }

    /// <summary>Smallest value (NaN when empty).</summary>
    public double Min { get; private set; } = double.NaN;

    /// <summary>Largest value (NaN when empty).</summary>
    public double Max { get; private set; } = double.NaN;

    /// <summary>Sample variance, Σ(x − mean)²/(n − 1); NaN below two values (undefined, not zero).</summary>
    public double Variance => Count < 2 ? double.NaN : SumOfSquaredDeviations / (Count - 1);

    /// <summary>Sample standard deviation (n − 1); NaN below two values.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Statistics of <paramref name="values"/>.</summary>
    public static RunningStatistics Of(IEnumerable<double> values)
    {
        var s = new RunningStatistics();
        foreach (var v in values) s.Add(v);
        return s;
    }

    /// <summary>Restores an accumulator from persisted fields.</summary>
    public static RunningStatistics FromState(long count, double mean, double sumOfSquaredDeviations, double min, double max)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Count cannot be negative.");
        return count == 0 ? new RunningStatistics() : new RunningStatistics(count, mean, sumOfSquaredDeviations, min, max);
    }

    /// <summary>Adds one value.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite (a failed metric must be recorded as a failure, not a number).</exception>
    public void Add(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"Statistics take finite values only, got {value}.", nameof(value));
        if (Count == 0)
        {
            Count = 1;
            Mean = Min = Max = value;
            SumOfSquaredDeviations = 0;
            return;
        }

        Count++;
        var delta = value - Mean;
        Mean += delta / Count;
        SumOfSquaredDeviations += delta * (value - Mean);
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
    }

    /// <summary>Adds every value <paramref name="other"/> has seen (the exact pairwise update of Chan, Golub and LeVeque).</summary>
    public void Merge(RunningStatistics other)
    {
        if (other.Count == 0) return;
        if (Count == 0)
        {
            (Count, Mean, SumOfSquaredDeviations, Min, Max) = (other.Count, other.Mean, other.SumOfSquaredDeviations, other.Min, other.Max);
            return;
        }

        long n = Count + other.Count;
        var delta = other.Mean - Mean;
        Mean += delta * other.Count / n;
        SumOfSquaredDeviations += other.SumOfSquaredDeviations + delta * delta * ((double)Count * other.Count / n);
        Count = n;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>A new accumulator holding the values of both <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static RunningStatistics Combine(RunningStatistics a, RunningStatistics b)
    {
        var c = FromState(a.Count, a.Mean, a.SumOfSquaredDeviations, a.Min, a.Max);
        c.Merge(b);
        return c;
    }
}
