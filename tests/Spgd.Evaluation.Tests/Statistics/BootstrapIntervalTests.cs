using Spgd.Evaluation.Statistics;

namespace Spgd.Evaluation.Tests.Statistics;

public class BootstrapIntervalTests
{
    [Fact]
    public void Contains_the_mean_and_is_deterministic_for_a_seed()
    {
        var x = Samples.Normal(200, 30, 2, seed: 3);
        var a = BootstrapInterval.OfMean(x, seed: 42);
        var b = BootstrapInterval.OfMean(x, seed: 42);
        var c = BootstrapInterval.OfMean(x, seed: 43);

        Assert.True(a.Contains(x.Average()));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(0.95, a.Level);
    }

    [Fact]
    public void Narrows_with_more_samples()
    {
        var small = BootstrapInterval.OfMean(Samples.Normal(50, 0, 1, seed: 4), seed: 1);
        var large = BootstrapInterval.OfMean(Samples.Normal(800, 0, 1, seed: 4), seed: 1);
        // Width scales as 1/√n: 16× the samples should give about a quarter of the width.
        Assert.InRange(large.Width / small.Width, 0.18, 0.33);
    }

    [Fact]
    public void Width_matches_the_normal_theory_interval_on_a_normal_sample()
    {
        // For a mean, the percentile bootstrap approximates ±1.96·s/√n. Measured width ratios: 1.024, 1.011, 1.013 for
        // seeds 5–7 and 0.960–1.024 over seeds 5–14 (B = 2000 puts about 50 resamples beyond each 2.5 % quantile);
        // the bound allows 8 %.
        foreach (var seed in new[] { 5, 6, 7 })
        {
            var x = Samples.Normal(400, 25, 3, seed);
            var s = RunningStatistics.Of(x).StandardDeviation;
            var ci = BootstrapInterval.OfMean(x, seed: (ulong)seed);
            var expected = 2 * 1.96 * s / Math.Sqrt(x.Length);
            Assert.InRange(ci.Width / expected, 0.92, 1.08);
            Assert.InRange((ci.Low + ci.High) / 2 - x.Average(), -0.1 * expected, 0.1 * expected);
        }
    }

    [Fact]
    public void One_run_per_image_equals_the_flat_bootstrap()
    {
        var x = Samples.Normal(60, 0, 1, seed: 8);
        var nested = x.Select(v => (IReadOnlyList<double>)[v]).ToList();
        Assert.Equal(BootstrapInterval.OfMean(x, seed: 9), BootstrapInterval.OfMean(nested, seed: 9));
    }

    [Fact]
    public void Run_noise_widens_the_two_level_interval()
    {
        var imageMeans = Samples.Normal(100, 28, 1, seed: 10);
        var noise = Samples.Normal(400, 0, 3, seed: 11);
        var noisy = imageMeans.Select((m, i) => (IReadOnlyList<double>)noise.Skip(4 * i).Take(4).Select(e => m + e).ToList()).ToList();
        var quiet = imageMeans.Select(m => (IReadOnlyList<double>)[m, m, m, m]).ToList();

        var wide = BootstrapInterval.OfMean(noisy, seed: 1);
        var narrow = BootstrapInterval.OfMean(quiet, seed: 1);

        // Per image-mean variance: 1 (images) + 9/4 (run noise in the observed means) + 9·(3/4)/4 (re-drawn runs, the
        // two-stage bootstrap's known conservative term), so the width grows by about √4.94 ≈ 2.2 (measured 2.32).
        Assert.InRange(wide.Width / narrow.Width, 1.9, 2.6);
        Assert.True(wide.Contains(noisy.Average(r => r.Average())));
    }

    [Fact]
    public void Constant_values_give_a_point_interval_and_bad_arguments_are_refused()
    {
        Assert.Equal(new ConfidenceInterval(0, 0, 0.95), BootstrapInterval.OfMean([0.0, 0.0, 0.0], seed: 1));
        Assert.Throws<ArgumentException>(() => BootstrapInterval.OfMean(Array.Empty<double>(), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BootstrapInterval.OfMean([1.0, 2.0], seed: 1, level: 1.0));
        Assert.Throws<ArgumentException>(() => BootstrapInterval.OfMean([1.0, double.NaN], seed: 1));
    }
}
