namespace Spgd.Evaluation.Summaries;

/// <summary>The outcome of one item (image × run) of a task, as the aggregator holds it.</summary>
/// <param name="ItemId">Unique item id within the job.</param>
/// <param name="ImageId">The image (a manifest entry) the item restored.</param>
/// <param name="Run">Run index of the image, 0-based.</param>
/// <param name="Psnr">PSNR in dB; null only when failed.</param>
/// <param name="Ssim">SSIM; null when failed or not measured.</param>
/// <param name="Lpips">LPIPS when measured; null when failed or not measured.</param>
/// <param name="FailureReason">Why the item failed, or null when it succeeded.</param>
public sealed record ItemRecord(string ItemId, string ImageId, int Run, double? Psnr, double? Ssim, double? Lpips = null, string? FailureReason = null)
{
    /// <summary>Whether the item failed (it then contributes no metric values).</summary>
    public bool Failed => FailureReason is not null;

    /// <summary>A succeeded item.</summary>
    public static ItemRecord Success(string itemId, string imageId, int run, double psnr, double ssim, double? lpips = null) =>
        new(itemId, imageId, run, psnr, ssim, lpips);

    /// <summary>A failed item.</summary>
    public static ItemRecord Failure(string itemId, string imageId, int run, string reason) =>
        new(itemId, imageId, run, null, null, null, reason);

    /// <summary>The value of <paramref name="metric"/>, or null when failed or not measured.</summary>
    public double? Value(EvaluationMetric metric) => Failed ? null : metric switch
    {
        EvaluationMetric.Psnr => Psnr,
        EvaluationMetric.Ssim => Ssim,
        EvaluationMetric.Lpips => Lpips,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };
}
