using Spgd.Evaluation.Statistics;

namespace Spgd.Evaluation.Summaries;

/// <summary>How <see cref="TaskSummaryBuilder"/> and <see cref="PairedDifference"/> reduce per-item records.</summary>
/// <param name="BestOf">Keep the best of K runs per image (null: average the runs of each image).</param>
/// <param name="Resamples">Bootstrap resamples B.</param>
/// <param name="Seed">Seed of the bootstrap resampling (the same seed reproduces the same intervals).</param>
/// <param name="Level">Confidence level of the intervals.</param>
public sealed record SummaryOptions(
    BestOfKSelection? BestOf = null,
    int Resamples = BootstrapInterval.DefaultResamples,
    ulong Seed = 0,
    double Level = BootstrapInterval.DefaultLevel)
{
    /// <summary>Average runs, B = 2000, seed 0, 95 %.</summary>
    public static SummaryOptions Default { get; } = new();
}
