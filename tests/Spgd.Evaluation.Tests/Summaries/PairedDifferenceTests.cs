using Spgd.Evaluation.Statistics;
using Spgd.Evaluation.Summaries;

namespace Spgd.Evaluation.Tests.Summaries;

public class PairedDifferenceTests
{
    [Fact]
    public void Identical_methods_differ_by_exactly_zero()
    {
        var records = Records.Make(images: 50, runs: 2, seed: 1);
        var result = PairedDifference.Compute(EvaluationMetric.Psnr, new("spgd", "d", records), new("spgd-again", "d", records.AsEnumerable().Reverse().ToList()));

        Assert.Equal(0.0, result.MeanDifference);
        Assert.Equal(new ConfidenceInterval(0, 0, 0.95), result.Ci);
        Assert.All(result.PerImage, p => Assert.Equal(0.0, p.Difference));
        Assert.Equal(50, result.Images);
    }

    [Fact]
    public void A_constant_shift_is_found_with_a_tight_interval_despite_image_spread()
    {
        var a = Records.Make(images: 100, runs: 1, seed: 2, psnrShift: 0.25);
        var b = Records.Make(images: 100, runs: 1, seed: 2);
        var noise = Statistics.Samples.Normal(100, 0, 0.1, seed: 3);
        b = b.Select((r, i) => r with { Psnr = r.Psnr + noise[i] }).ToList();

        var result = PairedDifference.Compute(EvaluationMetric.Psnr, new("A", "d", a), new("B", "d", b));

        Assert.True(result.Ci!.Value.Contains(0.25 - noise.Average()));
        Assert.True(result.Ci.Value.Low > 0); // a real difference, although each method's own interval is ~0.8 dB wide
        Assert.True(result.Ci.Value.Width < 0.1);
        Assert.StartsWith("psnr: A − B = +0.2", result.Describe());
    }

    [Fact]
    public void Different_manifests_are_refused()
    {
        var records = Records.Make(images: 5, runs: 1, seed: 4);
        var e = Assert.Throws<ArgumentException>(() => PairedDifference.Compute(EvaluationMetric.Psnr, new("A", "d1", records), new("B", "d2", records)));
        Assert.Contains("d1", e.Message);
        Assert.Contains("d2", e.Message);
    }

    [Fact]
    public void Different_image_sets_are_refused_with_the_images()
    {
        var a = Records.Make(images: 5, runs: 1, seed: 5);
        var b = a.Where(r => r.ImageId != "img003").ToList();
        var e = Assert.Throws<ArgumentException>(() => PairedDifference.Compute(EvaluationMetric.Psnr, new("A", "d", a), new("B", "d", b)));
        Assert.Contains("only in A: img003", e.Message);
    }

    [Fact]
    public void Images_failed_under_one_method_are_excluded_and_named()
    {
        var a = Records.Make(images: 5, runs: 1, seed: 6);
        var b = a.Select(r => r.ImageId == "img001" ? ItemRecord.Failure(r.ItemId, r.ImageId, r.Run, "oom") : r).ToList();
        var result = PairedDifference.Compute(EvaluationMetric.Psnr, new("A", "d", a), new("B", "d", b));
        Assert.Equal(["img001"], result.Excluded);
        Assert.Equal(4, result.Images);
    }

    [Fact]
    public void Best_of_k_methods_are_paired_on_their_chosen_runs()
    {
        var a = Records.Make(images: 10, runs: 4, seed: 7);
        var rule = new BestOfKSelection(4);
        var result = PairedDifference.Compute(EvaluationMetric.Psnr, new("best", "d", a, rule), new("mean", "d", a));
        // The best run is never below the mean of the runs.
        Assert.All(result.PerImage, p => Assert.True(p.Difference > 0));
    }
}
