using Spgd.Evaluation.Statistics;

namespace Spgd.Evaluation.Summaries;

/// <summary>
/// Compares two methods or presets evaluated on the same manifest image by image. Pairing removes the between-image
/// variance that dominates each method's own interval, so small real differences become visible.
/// </summary>
public static class PairedDifference
{
    /// <summary>How many image ids an error message spells out.</summary>
    private const int Listed = 10;

    /// <summary>
    /// Per image, A's value minus B's (each image's value formed as in its summary: the mean of its runs, or its
    /// best-of-K run), their mean and its percentile-bootstrap interval over images.
    /// </summary>
    /// <exception cref="ArgumentException">The manifests differ (different images or weights), or the two record sets do
    /// not cover the same images (the message lists those only in A and only in B).</exception>
    public static PairedDifferenceResult Compute(EvaluationMetric metric, MethodRecords a, MethodRecords b, SummaryOptions? options = null)
    {
        options ??= SummaryOptions.Default;
        if (string.IsNullOrEmpty(a.ManifestDigest) || a.ManifestDigest != b.ManifestDigest)
            throw new ArgumentException(
                $"Cannot pair '{a.Label}' (manifest {Show(a.ManifestDigest)}) with '{b.Label}' (manifest {Show(b.ManifestDigest)}): " +
                "they were not evaluated on the same images and weights.");
        var valuesA = PerImage(a, metric);
        var valuesB = PerImage(b, metric);
        var onlyA = valuesA.Keys.Where(k => !valuesB.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var onlyB = valuesB.Keys.Where(k => !valuesA.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (onlyA.Count > 0 || onlyB.Count > 0)
            throw new ArgumentException(
                $"Cannot pair '{a.Label}' with '{b.Label}': their images differ; only in {a.Label}: {List(onlyA)}; only in {b.Label}: {List(onlyB)}.");

        var pairs = new List<ImageDifference>();
        var excluded = new List<string>();
        foreach (var (image, va) in valuesA.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (va is null || valuesB[image] is not { } vb) excluded.Add(image);
            else pairs.Add(new ImageDifference(image, va.Value, vb, va.Value - vb));
        }

        if (pairs.Count == 0)
            throw new ArgumentException($"Cannot pair '{a.Label}' with '{b.Label}': no image has a {metric.Name()} value under both.");
        var differences = pairs.Select(p => p.Difference).ToList();
        var stats = RunningStatistics.Of(differences);
        ConfidenceInterval? ci = pairs.Count >= 2 ? BootstrapInterval.OfMean(differences, options.Seed, options.Resamples, options.Level) : null;
        return new PairedDifferenceResult(metric.Name(), a.Label, b.Label, a.ManifestDigest, pairs.Count, stats.Mean,
            pairs.Count >= 2 ? stats.StandardDeviation : null, ci, pairs, excluded);
    }

    // Every image of the method maps to its value, or to null when it has none (failed, or metric not measured).
    private static Dictionary<string, double?> PerImage(MethodRecords method, EvaluationMetric metric)
    {
        var images = ImageRuns.Group(method.BestOf is { } rule ? BestOfK.Select(method.Records, rule) : method.Records);
        return images.ToDictionary(i => i.ImageId, i => i.Values(metric) is { Count: > 0 } v ? v.Average() : (double?)null, StringComparer.Ordinal);
    }

    private static string List(IReadOnlyList<string> ids) =>
        ids.Count == 0 ? "none" : string.Join(", ", ids.Take(Listed)) + (ids.Count > Listed ? $", … ({ids.Count} in all)" : "");

    private static string Show(string? digest) => string.IsNullOrEmpty(digest) ? "(none)" : digest;
}
