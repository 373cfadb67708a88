using Spgd.Contracts.Results;

namespace Spgd.Grains.Aggregation;

/// <summary>count, mean, population standard deviation, min and max of a sequence.</summary>
public static class MetricStatsBuilder
{
    /// <summary>Statistics of <paramref name="values"/>, or null when empty.</summary>
    public static MetricStats? From(IEnumerable<double> values)
    {
        // Welford: stable for thousands of values of similar magnitude.
        long n = 0;
        double mean = 0, m2 = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            n++;
            var delta = v - mean;
            mean += delta / n;
            m2 += delta * (v - mean);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return n == 0 ? null : new MetricStats((int)n, mean, Math.Sqrt(m2 / n), min, max);
    }
}
