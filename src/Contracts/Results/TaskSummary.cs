namespace Spgd.Contracts.Results;

/// <summary>
/// count (images), mean, sample standard deviation (n − 1; null below two images), min and max of one metric over
/// per-image values (an image's single run, the mean of its runs, or its best of K when the task asks for it).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MetricStats(
    [property: Id(0)] int Count,
    [property: Id(1)] double Mean,
    [property: Id(2)] double? Std,
    [property: Id(3)] double Min,
    [property: Id(4)] double Max);

/// <summary>A failed item and why.</summary>
[GenerateSerializer, Immutable]
public sealed record ItemFailure(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string Reason);

/// <summary>Aggregated results of one (job, task).</summary>
[GenerateSerializer, Immutable]
public sealed record TaskSummary
{
    /// <summary>Job id.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>Task name.</summary>
    [Id(1)] public required string Task { get; init; }

    /// <summary>Items recorded (succeeded + failed), each counted once.</summary>
    [Id(2)] public int Count { get; init; }

    /// <summary>Items that succeeded.</summary>
    [Id(3)] public int Succeeded { get; init; }

    /// <summary>PSNR statistics over succeeded items (null when none).</summary>
    [Id(4)] public MetricStats? Psnr { get; init; }

    /// <summary>SSIM statistics.</summary>
    [Id(5)] public MetricStats? Ssim { get; init; }

    /// <summary>LPIPS statistics (null when no item had LPIPS).</summary>
    [Id(6)] public MetricStats? Lpips { get; init; }

    /// <summary>Failed items with reasons.</summary>
    [Id(7)] public IReadOnlyList<ItemFailure> Failures { get; init; } = [];

    /// <summary>The grid point's label (table row) when the job sweeps; null otherwise.</summary>
    [Id(8)] public string? Method { get; init; }

    /// <summary>The grid point's storage key when the job sweeps; null otherwise.</summary>
    [Id(9)] public string? PointKey { get; init; }

    /// <summary>Mean network evaluations per image over the succeeded items; null when none succeeded.</summary>
    [Id(10)] public double? NetworkEvaluationsPerImage { get; init; }

    /// <summary>The digest of the job's data set manifest (<c>summary/manifest.json</c>) the numbers were computed on.</summary>
    [Id(11)] public string? ManifestDigest { get; init; }

    /// <summary>K when each image's value is its best of K runs (by PSNR); null = mean over runs.</summary>
    [Id(12)] public int? BestOf { get; init; }
}
