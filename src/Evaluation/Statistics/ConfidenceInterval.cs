namespace Spgd.Evaluation.Statistics;

/// <summary>A two-sided confidence interval.</summary>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
/// <param name="Level">Coverage, e.g. 0.95.</param>
public readonly record struct ConfidenceInterval(double Low, double High, double Level)
{
    /// <summary><see cref="High"/> − <see cref="Low"/>.</summary>
    public double Width => High - Low;

    /// <summary>Whether <paramref name="value"/> lies inside the closed interval.</summary>
    public bool Contains(double value) => value >= Low && value <= High;
}
