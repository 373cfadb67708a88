using System.Globalization;
using Spgd.Evaluation.Statistics;

namespace Spgd.Evaluation.Summaries;

/// <summary>
/// Reduces a task's per-item records into <see cref="TaskStatistics"/>: a pure, deterministic function (records are put
/// in canonical order first, so the order in which items finished does not matter), for the aggregator grain to call.
/// </summary>
public static class TaskSummaryBuilder
{
    /// <summary>Builds the statistics of <paramref name="task"/> from its <paramref name="records"/>.</summary>
    /// <param name="task">Task name.</param>
    /// <param name="manifestDigest">Digest of the job's manifest (named in the summary), or null when there is none.</param>
    /// <param name="records">Every recorded item of the task, succeeded or failed, each once.</param>
    /// <param name="options">Best-of-K and bootstrap settings; <see cref="SummaryOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">Duplicate items or (image, run) pairs, succeeded items without PSNR, or
    /// records that do not fit the best-of-K rule.</exception>
    public static TaskStatistics Build(string task, string? manifestDigest, IEnumerable<ItemRecord> records, SummaryOptions? options = null)
    {
        options ??= SummaryOptions.Default;
        var all = records.ToList();
        var images = ImageRuns.Group(all);
        var runsPerImage = images.Count == 0 ? 0 : images.Max(i => i.Runs.Count);
        // Best-of-K reduces each image to its chosen run; otherwise every succeeded run of an image counts.
        var valued = options.BestOf is { } rule
            ? ImageRuns.Group(BestOfK.Select(all, rule))
            : images;
        var twoLevel = options.BestOf is null && runsPerImage > 1;

        var metrics = new List<MetricSummary>();
        foreach (var metric in EvaluationMetrics.All)
        {
            var perImage = valued.Select(i => i.Values(metric)).Where(v => v.Count > 0).ToList();
            if (perImage.Count > 0) metrics.Add(Summarize(metric, perImage, options));
        }

        return new TaskStatistics
        {
            Task = task,
            ManifestDigest = manifestDigest,
            Items = all.Count,
            Succeeded = all.Count(r => !r.Failed),
            Images = images.Count,
            RunsPerImage = runsPerImage,
            Aggregation = options.BestOf?.Describe() ?? (runsPerImage > 1 ? "mean of each image's runs" : "one run per image"),
            BestOf = options.BestOf,
            Interval = string.Create(CultureInfo.InvariantCulture,
                $"percentile bootstrap of the mean over images{(twoLevel ? ", then over runs within each image" : "")}, B={options.Resamples}, seed={options.Seed}, level={options.Level:R}"),
            Metrics = metrics,
            RunSpread = Spread(images),
            Failures = all.Where(r => r.Failed).OrderBy(r => r.ItemId, StringComparer.Ordinal)
                .Select(r => new FailedItem(r.ItemId, r.ImageId, r.Run, r.FailureReason!)).ToList(),
        };
    }

    /// <summary>Statistics of one metric from each image's values (one or several runs).</summary>
    internal static MetricSummary Summarize(EvaluationMetric metric, IReadOnlyList<IReadOnlyList<double>> perImage, SummaryOptions options)
    {
        var stats = RunningStatistics.Of(perImage.Select(v => v.Average()));
        ConfidenceInterval? ci = perImage.Count >= 2 ? BootstrapInterval.OfMean(perImage, options.Seed, options.Resamples, options.Level) : null;
        return new MetricSummary(
            metric.Name(), (int)stats.Count, perImage.Sum(v => v.Count), stats.Mean,
            stats.Count >= 2 ? stats.StandardDeviation : null, ci?.Low, ci?.High, stats.Min, stats.Max);
    }

    private static List<ImageRunSpread> Spread(IReadOnlyList<ImageRuns> images)
    {
        var spread = new List<ImageRunSpread>();
        foreach (var image in images)
        foreach (var metric in EvaluationMetrics.All)
        {
            var values = image.Values(metric);
            if (values.Count < 2) continue;
            var s = RunningStatistics.Of(values);
            spread.Add(new ImageRunSpread(image.ImageId, metric.Name(), values.Count, s.Mean, s.StandardDeviation, s.Min, s.Max));
        }

        return spread;
    }
}
