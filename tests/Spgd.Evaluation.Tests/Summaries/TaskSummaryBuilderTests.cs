using Spgd.Evaluation.Summaries;

namespace Spgd.Evaluation.Tests.Summaries;

public class TaskSummaryBuilderTests
{
    [Fact]
    public void One_run_per_image_gives_plain_mean_std_and_an_interval_around_the_mean()
    {
        var records = Records.Make(images: 100, runs: 1, seed: 1);
        var summary = TaskSummaryBuilder.Build("gaussian_blur", "digest", records);
        var psnr = summary[EvaluationMetric.Psnr]!;
        var values = records.Select(r => r.Psnr!.Value).ToList();

        Assert.Equal("digest", summary.ManifestDigest);
        Assert.Equal(100, psnr.Count);
        Assert.Equal(values.Average(), psnr.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(values.Sum(v => Math.Pow(v - values.Average(), 2)) / 99), psnr.Std!.Value, 1e-10);
        Assert.InRange(psnr.Mean, psnr.Ci95Low!.Value, psnr.Ci95High!.Value);
        Assert.Equal(values.Min(), psnr.Min);
        Assert.Equal(["psnr", "ssim", "lpips"], summary.Metrics.Select(m => m.Metric));
        Assert.Empty(summary.RunSpread);
        Assert.Equal("one run per image", summary.Aggregation);
    }

    [Fact]
    public void Is_independent_of_record_order_and_reproducible()
    {
        var records = Records.Make(images: 40, runs: 3, seed: 2);
        var shuffled = records.OrderBy(r => r.ItemId.GetHashCode(StringComparison.Ordinal) ^ 0x5bd1e995).ToList();
        var a = TaskSummaryBuilder.Build("sr", "d", records);
        var b = TaskSummaryBuilder.Build("sr", "d", shuffled);
        Assert.Equal(a.ToJson(), b.ToJson());
    }

    [Fact]
    public void Several_runs_average_per_image_report_the_spread_and_resample_runs()
    {
        var records = Records.Make(images: 10, runs: 3, seed: 3);
        var summary = TaskSummaryBuilder.Build("inpainting", "d", records);
        var psnr = summary[EvaluationMetric.Psnr]!;

        Assert.Equal(10, psnr.Count);
        Assert.Equal(30, psnr.Values);
        Assert.Equal(records.GroupBy(r => r.ImageId).Average(g => g.Average(r => r.Psnr!.Value)), psnr.Mean, 1e-12);
        Assert.Equal(3, summary.RunsPerImage);
        Assert.Contains("over runs within each image", summary.Interval);
        var spread = summary.RunSpread.Single(s => s.ImageId == "img004" && s.Metric == "ssim");
        var runs = records.Where(r => r.ImageId == "img004").Select(r => r.Ssim!.Value).ToList();
        Assert.Equal(runs.Max() - runs.Min(), spread.Max - spread.Min, 1e-15);
        Assert.Equal(3, spread.Runs);
    }

    [Fact]
    public void Failures_are_counted_and_listed_not_averaged()
    {
        var records = Records.Make(images: 4, runs: 1, seed: 4);
        records[2] = ItemRecord.Failure(records[2].ItemId, records[2].ImageId, 0, "image does not decode");
        var summary = TaskSummaryBuilder.Build("hdr", null, records);

        Assert.Equal(4, summary.Items);
        Assert.Equal(3, summary.Succeeded);
        Assert.Equal(3, summary[EvaluationMetric.Psnr]!.Count);
        Assert.Equal("image does not decode", Assert.Single(summary.Failures).Reason);
    }

    [Fact]
    public void Missing_lpips_and_single_images_give_no_made_up_numbers()
    {
        var summary = TaskSummaryBuilder.Build("t", "d", [ItemRecord.Success("i", "img", 0, 30, 0.9)]);
        var psnr = summary[EvaluationMetric.Psnr]!;
        Assert.Null(summary[EvaluationMetric.Lpips]);
        Assert.Null(psnr.Std);
        Assert.Null(psnr.Ci95Low);
        Assert.Equal(30, psnr.Mean);
    }

    [Fact]
    public void Duplicate_runs_and_succeeded_items_without_psnr_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TaskSummaryBuilder.Build("t", "d",
            [ItemRecord.Success("a", "img", 0, 30, 0.9), ItemRecord.Success("b", "img", 0, 31, 0.9)]));
        Assert.Throws<ArgumentException>(() => TaskSummaryBuilder.Build("t", "d", [new ItemRecord("a", "img", 0, null, 0.9)]));
        var noSsim = TaskSummaryBuilder.Build("t", "d", [new ItemRecord("a", "img", 0, 30, null), new ItemRecord("b", "img2", 0, 31, null)]);
        Assert.Equal(["psnr"], noSsim.Metrics.Select(m => m.Metric));
    }

    [Fact]
    public void Json_round_trips()
    {
        var summary = TaskSummaryBuilder.Build("pr", "d", Records.Make(images: 6, runs: 4, seed: 5), new SummaryOptions(BestOf: new BestOfKSelection(4), Seed: 9));
        var back = TaskStatistics.FromJson(summary.ToJson());
        Assert.Equal(summary.ToJson(), back.ToJson());
        Assert.Contains("\"metric\": \"psnr\"", summary.ToJson());
    }
}
