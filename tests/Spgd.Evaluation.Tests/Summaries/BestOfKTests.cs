using Spgd.Evaluation.Summaries;

namespace Spgd.Evaluation.Tests.Summaries;

public class BestOfKTests
{
    [Fact]
    public void Keeps_the_highest_psnr_run_of_each_image()
    {
        var records = Records.Make(images: 20, runs: 4, seed: 1);
        var best = BestOfK.Select(records, new BestOfKSelection(4));

        Assert.Equal(20, best.Count);
        foreach (var chosen in best)
            Assert.Equal(records.Where(r => r.ImageId == chosen.ImageId).Max(r => r.Psnr), chosen.Psnr);
    }

    [Fact]
    public void Lpips_selection_keeps_the_lowest_and_ignores_failed_runs()
    {
        List<ItemRecord> records =
        [
            ItemRecord.Success("a0", "a", 0, 20, 0.5, 0.30),
            ItemRecord.Success("a1", "a", 1, 25, 0.6, 0.10),
            ItemRecord.Failure("a2", "a", 2, "diverged"),
            ItemRecord.Failure("b0", "b", 0, "undecodable"),
            ItemRecord.Failure("b1", "b", 1, "undecodable"),
        ];
        var best = BestOfK.Select(records, new BestOfKSelection(3, EvaluationMetric.Lpips));

        Assert.Equal("a1", best[0].ItemId);
        Assert.Equal("b0", best[1].ItemId);
        Assert.True(best[1].Failed);
    }

    [Fact]
    public void More_runs_than_k_are_refused()
    {
        var records = Records.Make(images: 2, runs: 5, seed: 2);
        var e = Assert.Throws<ArgumentException>(() => BestOfK.Select(records, new BestOfKSelection(4)));
        Assert.Contains("best of 4 runs per image by psnr (max)", e.Message);
    }

    [Fact]
    public void Summary_records_the_rule_and_k_and_uses_the_best_values()
    {
        var records = Records.Make(images: 30, runs: 4, seed: 3);
        var summary = TaskSummaryBuilder.Build("phase_retrieval", "d1", records, new SummaryOptions(BestOf: new BestOfKSelection(4)));

        Assert.Equal(4, summary.BestOf!.K);
        Assert.Equal(EvaluationMetric.Psnr, summary.BestOf.Metric);
        Assert.Equal("best of 4 runs per image by psnr (max)", summary.Aggregation);
        var psnr = summary[EvaluationMetric.Psnr]!;
        Assert.Equal(30, psnr.Count);
        Assert.Equal(30, psnr.Values);
        var expected = records.GroupBy(r => r.ImageId).Average(g => g.Max(r => r.Psnr!.Value));
        Assert.Equal(expected, psnr.Mean, 1e-12);
        Assert.Contains("\"k\": 4", summary.ToJson());
        // The spread over runs still describes all four runs of each image.
        Assert.All(summary.RunSpread, s => Assert.Equal(4, s.Runs));
    }
}
