namespace Spgd.Evaluation.Summaries;

/// <summary>One image's values under two methods and their difference.</summary>
/// <param name="ImageId">The image.</param>
/// <param name="A">Value under method A (its runs' mean, or its best-of-K run).</param>
/// <param name="B">Value under method B.</param>
/// <param name="Difference"><paramref name="A"/> − <paramref name="B"/>.</param>
public sealed record ImageDifference(string ImageId, double A, double B, double Difference);
