namespace Spgd.Evaluation.Summaries;

/// <summary>The per-image quality metrics a job reports.</summary>
public enum EvaluationMetric
{
    /// <summary>PSNR in dB, higher is better.</summary>
    Psnr,

    /// <summary>SSIM, higher is better.</summary>
    Ssim,

    /// <summary>LPIPS, lower is better.</summary>
    Lpips,
}

/// <summary>Names and directions of <see cref="EvaluationMetric"/>.</summary>
public static class EvaluationMetrics
{
    /// <summary>Every metric, in report order.</summary>
    public static IReadOnlyList<EvaluationMetric> All { get; } = [EvaluationMetric.Psnr, EvaluationMetric.Ssim, EvaluationMetric.Lpips];

    /// <summary>Lower-case name used in JSON and on the command line (<c>psnr</c>, <c>ssim</c>, <c>lpips</c>).</summary>
    public static string Name(this EvaluationMetric metric) => metric switch
    {
        EvaluationMetric.Psnr => "psnr",
        EvaluationMetric.Ssim => "ssim",
        EvaluationMetric.Lpips => "lpips",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>Whether a larger value is a better restoration.</summary>
    public static bool HigherIsBetter(this EvaluationMetric metric) => metric != EvaluationMetric.Lpips;

    /// <summary>The metric named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static EvaluationMetric Parse(string name)
    {
        foreach (var m in All)
            if (string.Equals(m.Name(), name, StringComparison.OrdinalIgnoreCase)) return m;
        throw new ArgumentException($"Unknown metric '{name}'; expected one of {string.Join(", ", All.Select(x => x.Name()))}.", nameof(name));
    }
}
