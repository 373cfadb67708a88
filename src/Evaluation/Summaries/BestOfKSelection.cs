namespace Spgd.Evaluation.Summaries;

/// <summary>
/// A reference protocol that keeps, per image, the best of K runs by one metric (phase retrieval in DPS/DAPS keeps the
/// best of 4 by PSNR). Recorded in every summary that uses it, so a best-of-K number is never mistaken for a plain one.
/// </summary>
/// <param name="K">Runs per image the best is chosen from (≥ 1).</param>
/// <param name="Metric">Metric that decides; its direction (<see cref="EvaluationMetrics.HigherIsBetter"/>) picks max or min.</param>
public sealed record BestOfKSelection(int K, EvaluationMetric Metric = EvaluationMetric.Psnr)
{
    /// <summary>E.g. <c>best of 4 runs per image by psnr (max)</c>.</summary>
    public string Describe() => $"best of {K} runs per image by {Metric.Name()} ({(Metric.HigherIsBetter() ? "max" : "min")})";
}
