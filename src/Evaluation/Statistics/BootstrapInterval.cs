namespace Spgd.Evaluation.Statistics;

/// <summary>
/// Percentile-bootstrap confidence intervals of a mean. Deterministic: the resampling is driven by the caller's seed
/// through a fixed generator, so the same values and seed give the same interval on every machine.
/// </summary>
public static class BootstrapInterval
{
    /// <summary>Default number of bootstrap resamples.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>Default coverage.</summary>
    public const double DefaultLevel = 0.95;

    /// <summary>Interval of the mean of independent <paramref name="values"/> (one per image): resamples the values with replacement.</summary>
    public static ConfidenceInterval OfMean(IReadOnlyList<double> values, ulong seed, int resamples = DefaultResamples, double level = DefaultLevel) =>
        OfMean(values.Select(v => (IReadOnlyList<double>)[v]).ToList(), seed, resamples, level);

    /// <summary>
    /// Interval of the mean over images of each image's mean over its runs, by two-level resampling: draw images with
    /// replacement, then, within each drawn image, draw its runs with replacement. So the interval reflects both which
    /// images were chosen and the sampler's run-to-run noise. With one run per image this is the plain bootstrap
    /// (a single run is not resampled, so <see cref="OfMean(IReadOnlyList{double}, ulong, int, double)"/> gives the same interval).
    /// </summary>
    /// <remarks>
    /// Conservative by design: the image-level draw already carries the run noise present in each observed image mean,
    /// and re-drawing runs adds about (r−1)/r² of the within-image variance once more (Davison and Hinkley 1997, §3.8).
    /// With a few runs per image and image-to-image spread larger than run noise, the widening is small; an interval
    /// that errs wide is preferred to one that makes a difference of noise look real.
    /// </remarks>
    /// <param name="runsPerImage">For each image (in a fixed order: the order is part of what the seed reproduces), its runs' values; at least one each.</param>
    /// <param name="seed">Seed of the resampling.</param>
    /// <param name="resamples">Number of bootstrap resamples B.</param>
    /// <param name="level">Coverage in (0, 1).</param>
    /// <exception cref="ArgumentException">Fewer than one image, an image without runs, a non-finite value, or bad B/level.</exception>
    public static ConfidenceInterval OfMean(IReadOnlyList<IReadOnlyList<double>> runsPerImage, ulong seed, int resamples = DefaultResamples, double level = DefaultLevel)
    {
        if (runsPerImage.Count == 0) throw new ArgumentException("Bootstrap needs at least one image.", nameof(runsPerImage));
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "Bootstrap needs at least one resample.");
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "Confidence level must lie in (0, 1).");
        for (var i = 0; i < runsPerImage.Count; i++)
        {
            if (runsPerImage[i].Count == 0) throw new ArgumentException($"Image {i} has no runs.", nameof(runsPerImage));
            if (!runsPerImage[i].All(double.IsFinite)) throw new ArgumentException($"Image {i} has a non-finite value.", nameof(runsPerImage));
        }

        // Arrays, not the interface lists: this loop runs images × runs × B times (10⁷ for 1,000 images × 4 runs).
        var images = runsPerImage.Select(r => r.ToArray()).ToArray();
        var rng = new SplitMix64(seed);
        var means = new double[resamples];
        var n = images.Length;
        for (var b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                var runs = images[rng.NextInt(n)];
                if (runs.Length == 1)
                {
                    sum += runs[0];
                    continue;
                }

                double imageSum = 0;
                for (var r = 0; r < runs.Length; r++) imageSum += runs[rng.NextInt(runs.Length)];
                sum += imageSum / runs.Length;
            }

            means[b] = sum / n;
        }

        Array.Sort(means);
        var tail = (1 - level) / 2;
        return new ConfidenceInterval(Quantile(means, tail), Quantile(means, 1 - tail), level);
    }

    /// <summary>Quantile of sorted values with linear interpolation between order statistics (Hyndman–Fan type 7).</summary>
    internal static double Quantile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
