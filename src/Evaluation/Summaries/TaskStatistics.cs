using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spgd.Evaluation.Summaries;

/// <summary>The statistics of one task of a job, built by <see cref="TaskSummaryBuilder"/>.</summary>
public sealed record TaskStatistics
{
    /// <summary>Task name.</summary>
    public required string Task { get; init; }

    /// <summary><see cref="Manifests.DatasetManifest.Digest"/> of the images and weights evaluated; tables with equal digests are comparable.</summary>
    public string? ManifestDigest { get; init; }

    /// <summary>Items recorded (succeeded + failed).</summary>
    public int Items { get; init; }

    /// <summary>Items that succeeded.</summary>
    public int Succeeded { get; init; }

    /// <summary>Distinct images recorded.</summary>
    public int Images { get; init; }

    /// <summary>Largest number of runs recorded for one image.</summary>
    public int RunsPerImage { get; init; }

    /// <summary>How each image's value was formed: its single run, the mean of its runs, or a best-of-K rule (spelled out).</summary>
    public required string Aggregation { get; init; }

    /// <summary>The best-of-K rule when used, null otherwise: a best-of-K number is always labelled as such.</summary>
    public BestOfKSelection? BestOf { get; init; }

    /// <summary>How the intervals were computed (bootstrap levels, B, seed, level).</summary>
    public required string Interval { get; init; }

    /// <summary>Per-metric statistics, PSNR, SSIM, then LPIPS when measured.</summary>
    public IReadOnlyList<MetricSummary> Metrics { get; init; } = [];

    /// <summary>Per image and metric, the spread over its runs (images with at least two succeeded runs only).</summary>
    public IReadOnlyList<ImageRunSpread> RunSpread { get; init; } = [];

    /// <summary>Failed items, by item id.</summary>
    public IReadOnlyList<FailedItem> Failures { get; init; } = [];

    /// <summary>The summary of <paramref name="metric"/>, or null when no image has it.</summary>
    public MetricSummary? this[EvaluationMetric metric] => Metrics.FirstOrDefault(m => m.Metric == metric.Name());

    /// <summary>JSON options of <see cref="ToJson"/>: camelCase names, enums as strings, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The statistics as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads statistics written by <see cref="ToJson"/>.</summary>
    public static TaskStatistics FromJson(string json) =>
        JsonSerializer.Deserialize<TaskStatistics>(json, JsonOptions) ?? throw new JsonException("Task statistics JSON is null.");
}
