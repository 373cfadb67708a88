using Spgd.Evaluation.Statistics;

namespace Spgd.Reporting.Tables;

/// <summary>Mean and sample standard deviation of one metric over the succeeded items of a table cell.</summary>
/// <param name="Count">Values summarised.</param>
/// <param name="Mean">Their mean.</param>
/// <param name="StandardDeviation">Their sample standard deviation (0 for one value).</param>
public sealed record CellStatistics(int Count, double Mean, double StandardDeviation)
{
    /// <summary>Seed of the bootstrap, fixed so a report is reproducible.</summary>
    public const ulong BootstrapSeed = 2024;

    /// <summary>95% bootstrap interval of the mean, resampling images (an image's runs stay together); null below two images.</summary>
    public ConfidenceInterval? Interval { get; init; }

    /// <summary>The summary of (image, value) pairs with its bootstrap interval over images, or null when there are none.</summary>
    public static CellStatistics? OfImages(IEnumerable<(string Image, double Value)> values)
    {
        var list = values.ToList();
        if (Of(list.Select(v => v.Value)) is not { } summary) return null;
        var perImage = list.GroupBy(v => v.Image, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<double>)g.Select(v => v.Value).ToList()).ToList();
        return perImage.Count < 2 || !list.All(v => double.IsFinite(v.Value)) ? summary : summary with { Interval = BootstrapInterval.OfMean(perImage, BootstrapSeed) };
    }

    /// <summary>The summary of <paramref name="values"/>, or null when there are none.</summary>
    public static CellStatistics? Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return null;
        var mean = list.Average();
        var sd = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new CellStatistics(list.Count, mean, sd);
    }
}
