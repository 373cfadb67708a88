namespace Spgd.Evaluation.Summaries;

/// <summary>Statistics of one metric over a task's images.</summary>
/// <param name="Metric">Metric name (<c>psnr</c>, <c>ssim</c>, <c>lpips</c>).</param>
/// <param name="Count">Images contributing (each image counts once, whatever its number of runs).</param>
/// <param name="Values">Item values behind them (images × succeeded runs; equals <paramref name="Count"/> with one run or best-of-K).</param>
/// <param name="Mean">Mean over images of each image's value (its mean over runs when it has several).</param>
/// <param name="Std">Sample standard deviation (n − 1) of the per-image values; null below two images.</param>
/// <param name="Ci95Low">Lower end of the bootstrap confidence interval of <paramref name="Mean"/>; null below two images.</param>
/// <param name="Ci95High">Upper end of that interval; null below two images.</param>
/// <param name="Min">Smallest per-image value.</param>
/// <param name="Max">Largest per-image value.</param>
public sealed record MetricSummary(
    string Metric,
    int Count,
    int Values,
    double Mean,
    double? Std,
    double? Ci95Low,
    double? Ci95High,
    double Min,
    double Max);
