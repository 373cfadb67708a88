using Spgd.Evaluation.Summaries;

namespace Spgd.Reporting.Tables;

/// <summary>
/// A method against the baseline row (the first row) on one task: the paired per-image difference of a metric with its
/// bootstrap interval (Spgd.Evaluation's <see cref="PairedDifference"/>), or why it could not be paired.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Metric">psnr, ssim or lpips.</param>
/// <param name="Method">The method (A).</param>
/// <param name="Baseline">The baseline (B).</param>
/// <param name="Result">A − B per image, its mean and 95% interval; null when not comparable.</param>
/// <param name="Problem">Why not comparable, or null.</param>
public sealed record Comparison(string Task, string Metric, string Method, string Baseline, PairedDifferenceResult? Result, string? Problem);
