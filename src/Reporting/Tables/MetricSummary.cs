namespace Spgd.Reporting.Tables;

/// <summary>Mean and sample standard deviation of one metric over the succeeded items of a table cell.</summary>
/// <param name="Count">Values summarised.</param>
/// <param name="Mean">Their mean.</param>
/// <param name="StandardDeviation">Their sample standard deviation (0 for one value).</param>
public sealed record MetricSummary(int Count, double Mean, double StandardDeviation)
{
    /// <summary>The summary of <paramref name="values"/>, or null when there are none.</summary>
    public static MetricSummary? Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return null;
        var mean = list.Average();
        var sd = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new MetricSummary(list.Count, mean, sd);
    }
}
