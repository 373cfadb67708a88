using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;
using Spgd.Reporting.Reading;
using Spgd.Reporting.Records;

namespace Spgd.Reporting.Tests;

public class ReportBuilderTests
{
    private const string Spgd = "SPGD N=5 β=0.95 ADM";
    private const string Plain = "SPGD N=1 no ADM";

    /// <summary>Two methods × two tasks × two images, one failure, steps and PNGs for some items.</summary>
    private static StoredJob Job(string root)
    {
        var job = new StoredJob(root);
        var psnr = 20.0;
        foreach (var (key, method, nfe) in new[] { ("spgd-n5-b0.95-adm", Spgd, 150), ("spgd-n1-noadm", Plain, 30) })
            foreach (var task in new[] { "inpainting_random", "super_resolution" })
                foreach (var image in new[] { "00000", "00001" })
                {
                    psnr += 1.37;
                    var stem = job.AddItem(key, method, task, image, 0, psnr, 0.5 + psnr / 100, 0.4 - psnr / 200, nfe);
                    job.AddPngs(stem, method == Spgd ? SKColors.Red : SKColors.Blue);
                    job.AddSteps(stem, Enumerable.Range(0, 4).Select(i => new
                    {
                        step = i, sigma = 10.0 / (i + 1), x0HatPsnr = psnr - 4 + i, x0HatLpips = 0.5 - 0.05 * i,
                        likelihoodDenoisingAngle = 1.2 + 0.1 * i, likelihoodTurnAngle = i == 0 ? (double?)null : 0.3, denoisingTurnAngle = i == 0 ? (double?)null : 0.2,
                    }));
                }
        job.AddItem("spgd-n1-noadm", Plain, "super_resolution", "00002", 0, null, null, null, 30, error: "SPGD diverged at outer step 3");
        File.WriteAllText(Path.Combine(job.Folder, "spec.yaml"), "name: test\nsampler:\n  warmup: [1, 5]\n");
        File.WriteAllText(Path.Combine(job.Folder, "facts.json"), """{"software": "spgd 1.2.3", "device": "NVIDIA H100"}""");
        File.WriteAllText(Path.Combine(job.Folder, "grid.json"), JsonSerializer.Serialize(new[] { Plain, Spgd }));
        return job;
    }

    private static string Mean(IEnumerable<ItemResult> items, string method, string task, Func<ItemResult, double?> metric, string format) =>
        items.Where(i => i.Method == method && i.Task == task && !i.Failed).Average(i => metric(i)!.Value).ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public void ReaderTakesEveryFieldFromTheStoredRecords()
    {
        var job = Job(StoredJob.NewTempDir());
        var input = JobResultsReader.Read(job.Folder);
        Assert.Equal("job-1", input.Job.JobId);
        Assert.Equal(2 * 2 * 2 + 1, input.Items.Count);
        Assert.Equal([Plain, Spgd], input.Methods());
        Assert.Equal(["inpainting_random", "super_resolution"], input.Tasks());
        var failed = Assert.Single(input.Items, i => i.Failed);
        Assert.Equal("spgd-n1-noadm/super_resolution/00002-run0", failed.ItemId);
        Assert.Equal("SPGD diverged at outer step 3", failed.Error);
        var first = input.Items.Single(i => i.ItemId == "spgd-n5-b0.95-adm/inpainting_random/00000-run0");
        Assert.Equal((Spgd, "00000", 0, 150L, "cpu"), (first.Method, first.ImageId, first.Run, first.NetworkEvaluations, first.Device));
        Assert.Equal(21.37, first.Psnr!.Value, 10);
        Assert.Equal(4, input.Steps[first.ItemId].Count);
        Assert.Null(input.Steps[first.ItemId][0].LikelihoodTurnAngle);
        Assert.NotNull(input.Images[first.ItemId].Restored);
        Assert.Equal("spgd 1.2.3", input.Job.Facts["software"]);
        Assert.Contains("warmup", input.Job.Spec);
    }

    [Fact]
    public void TableNumbersAreTheMeansOfTheStoredRecordsAndFollowAChangedRecord()
    {
        var root = StoredJob.NewTempDir();
        var job = Job(root);
        var input = JobResultsReader.Read(job.Folder);
        var files = new ReportBuilder(new ReportOptions { Plots = false }).Write(input, Path.Combine(root, "report"));
        var markdown = File.ReadAllText(files.Markdown);
        var html = File.ReadAllText(files.Html);
        foreach (var method in new[] { Spgd, Plain })
            foreach (var task in input.Tasks())
            {
                var psnr = Mean(input.Items, method, task, i => i.Psnr, "0.00");
                var ssim = Mean(input.Items, method, task, i => i.Ssim, "0.000");
                var lpips = Mean(input.Items, method, task, i => i.Lpips, "0.000");
                Assert.Contains(psnr, markdown);
                Assert.Contains(ssim, markdown);
                Assert.Contains(lpips, markdown);
                Assert.Contains($">{psnr}</td>", html);
                Assert.Contains($">{ssim}</td>", html);
                Assert.Contains($">{lpips}</td>", html);
            }
        // The bootstrap interval of a cell's PSNR, recomputed from the records (images in ordinal order, seed 2024).
        var perImage = input.Items.Where(i => i.Method == Spgd && i.Task == "super_resolution" && !i.Failed).OrderBy(i => i.ImageId, StringComparer.Ordinal)
            .Select(i => (IReadOnlyList<double>)[i.Psnr!.Value]).ToList();
        var ci = global::Spgd.Evaluation.Statistics.BootstrapInterval.OfMean(perImage, 2024);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| [{ci.Low:0.00}, {ci.High:0.00}] |"), markdown);

        // The SPGD row of inpainting: NFE 150 from the records, and the row's cells in table order.
        var row = Regex.Match(markdown, @"^\| SPGD N=5 β=0\.95 ADM \|.*$", RegexOptions.Multiline).Value;
        var cells = row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray();
        Assert.Equal(Mean(input.Items, Spgd, "inpainting_random", i => i.Psnr, "0.00"), cells[1].Trim('*'));
        Assert.Equal("150", cells[4]);

        // Change one stored PSNR: the cell's mean must move by exactly half the change (two images per cell).
        var before = Mean(input.Items, Spgd, "super_resolution", i => i.Psnr, "0.00");
        var stem = job.ItemPath("spgd-n5-b0.95-adm", "super_resolution", "00001", 0);
        var text = File.ReadAllText(stem + ".json");
        var old = input.Items.Single(i => i.ItemId == "spgd-n5-b0.95-adm/super_resolution/00001-run0").Psnr!.Value;
        File.WriteAllText(stem + ".json", text.Replace(old.ToString("R", CultureInfo.InvariantCulture), "99.5"));
        var changed = JobResultsReader.Read(job.Folder);
        var expected = (double.Parse(before, CultureInfo.InvariantCulture) * 2 - old + 99.5) / 2;
        var after = Mean(changed.Items, Spgd, "super_resolution", i => i.Psnr, "0.00");
        Assert.Equal(expected, double.Parse(after, CultureInfo.InvariantCulture), 2);
        var files2 = new ReportBuilder(new ReportOptions { Plots = false }).Write(changed, Path.Combine(root, "report2"));
        var html2 = File.ReadAllText(files2.Html);
        Assert.Contains($">{after}</td>", html2);
        Assert.DoesNotContain($">{before}</td>", html2);
        Assert.Contains(after, File.ReadAllText(files2.Markdown));
    }

    [Fact]
    public void HtmlIsSelfContained()
    {
        var root = StoredJob.NewTempDir();
        var files = new ReportBuilder().Write(JobResultsReader.Read(Job(root).Folder), Path.Combine(root, "report"));
        var html = File.ReadAllText(files.Html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        var sources = Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.StartsWith("data:image/png;base64,", s));
        Assert.Contains("SPGD diverged at outer step 3", html);
        Assert.Contains("NVIDIA H100", html);
        Assert.Contains("warmup: [1, 5]", html);
    }

    /// <summary>A sweep job that stored its clean and measurement PNGs (save.measurements on) fills the grid's first two
    /// columns; one that did not says why they are empty rather than leaving bare cells.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheGridSaysWhetherGroundTruthAndMeasurementWereStored(bool stored)
    {
        var job = new StoredJob(StoredJob.NewTempDir());
        foreach (var (key, method) in new[] { ("spgd-n5-b0.95-adm", Spgd), ("diffpir", "DiffPIR") })
        {
            var stem = job.AddItem(key, method, "gaussian_blur", "00000", 0, 20, 0.5, null, 20);
            if (stored) job.AddPngs(stem, SKColors.Red);
            else File.WriteAllBytes(stem + ".png", StoredJob.Png(32, 32, SKColors.Red));
        }
        var grid = Assert.Single(new ReportBuilder(new ReportOptions { CellSize = 64, Plots = false }).Build(JobResultsReader.Read(job.Folder)).Figures);
        Assert.Contains(stored ? "empty cells: none." : "empty cells: 2.", grid.Caption);
        Assert.Equal(!stored, grid.Caption.Contains("save.measurements: false", StringComparison.Ordinal));
    }

    [Fact]
    public void FiguresAreAGridPerTaskAndStepPlots()
    {
        var root = StoredJob.NewTempDir();
        var files = new ReportBuilder(new ReportOptions { CellSize = 64 }).Write(JobResultsReader.Read(Job(root).Folder), Path.Combine(root, "report"));
        var names = files.Figures.Select(Path.GetFileName).ToList();
        Assert.Contains("grid-inpainting_random.png", names);
        Assert.Contains("grid-super_resolution.png", names);
        Assert.Contains("angle-ld-inpainting_random.png", names);
        Assert.Contains("angle-l-super_resolution.png", names);
        Assert.Contains("x0hat-psnr-inpainting_random.png", names);
        Assert.Contains("x0hat-lpips-super_resolution.png", names);

        // Grid: ground truth, measurement, then the two methods in grid order (Plain: blue, SPGD: red); two image rows.
        using var grid = SKBitmap.Decode(files.Figures.Single(f => f.EndsWith("grid-inpainting_random.png")));
        Assert.Equal(110 + 4 * (64 + 6) + 6, grid.Width);
        Assert.Equal(34 + 2 * (64 + 6) + 6, grid.Height);
        int Centre(int column) => 110 + 6 + column * 70 + 32;
        Assert.Equal(SKColors.Green, grid.GetPixel(Centre(0), 34 + 32));
        Assert.Equal(SKColors.Gray, grid.GetPixel(Centre(1), 34 + 32));
        Assert.Equal(SKColors.Blue, grid.GetPixel(Centre(2), 34 + 32));
        Assert.Equal(SKColors.Red, grid.GetPixel(Centre(3), 34 + 70 + 32));
        using var plot = SKBitmap.Decode(files.Figures.Single(f => f.EndsWith("angle-ld-inpainting_random.png")));
        Assert.True(plot.Width > 100 && plot.Height > 100);
    }

    [Fact]
    public void StepSeriesAreMeanAndSampleSpreadPerStep()
    {
        IReadOnlyList<StepRecord> Run(params double[] angles) => angles.Select((a, i) => new StepRecord(i, 1, LikelihoodDenoisingAngle: a)).ToList();
        var series = ReportBuilder.Series("m", [Run(1, 2), Run(3, double.NaN), Run(5, 4)], s => s.LikelihoodDenoisingAngle)!;
        Assert.Equal([0.0, 1.0], series.Steps);
        Assert.Equal(3, series.Mean[0], 12);
        Assert.Equal(2, series.Spread[0], 12);
        Assert.Equal(3, series.Mean[1], 12);
        Assert.Equal(Math.Sqrt(2), series.Spread[1], 12);
        Assert.Equal([3, 2], series.Count);
        Assert.Null(ReportBuilder.Series("m", [Run(1)], s => s.X0HatPsnr));
    }

    [Fact]
    public void MethodsArePairedPerImageAgainstTheFirstRow()
    {
        var root = StoredJob.NewTempDir();
        var input = JobResultsReader.Read(Job(root).Folder);
        var document = new ReportBuilder(new ReportOptions { Plots = false }).Build(input);
        // Baseline = first grid row (Plain); one comparison per task and metric (PSNR, SSIM, LPIPS).
        Assert.Equal(2 * 3, document.Comparisons.Count);
        var psnr = document.Comparisons.Single(c => c.Task == "inpainting_random" && c.Metric == "psnr");
        Assert.Equal((Spgd, Plain), (psnr.Method, psnr.Baseline));
        double Value(string method, string image) => input.Items.Single(i => i.Method == method && i.Task == "inpainting_random" && i.ImageId == image).Psnr!.Value;
        var expected = new[] { "00000", "00001" }.Average(image => Value(Spgd, image) - Value(Plain, image));
        Assert.Equal(expected, psnr.Result!.MeanDifference, 10);
        // super_resolution: the baseline's failed image 00002 has no SPGD item: the image sets differ, which is reported.
        var sr = document.Comparisons.Single(c => c.Task == "super_resolution" && c.Metric == "psnr");
        Assert.Null(sr.Result);
        Assert.Contains("00002", sr.Problem);
        var markdown = File.ReadAllText(new ReportBuilder(new ReportOptions { Plots = false }).Write(input, Path.Combine(root, "r")).Markdown);
        Assert.Contains(expected.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture), markdown);
    }

    [Fact]
    public void ManifestFactsAndSpecAreReported()
    {
        var root = StoredJob.NewTempDir();
        var job = Job(root);
        File.Delete(Path.Combine(job.Folder, "spec.yaml"));
        var manifest = new global::Spgd.Evaluation.Manifests.DatasetManifest
        {
            Entries = [new("00000.png", 10, new string('a', 64)), new("00001.png", 12, new string('b', 64))],
            Model = "spectral-gaussian(v=0.25,alpha=3.5)",
            Spec = """{"runs":1}""",
            Split = "ffhq-val-1k",
        };
        manifest.Save(Path.Combine(job.Folder, "summary", "manifest.json"));
        var input = JobResultsReader.Read(job.Folder);
        Assert.Equal(manifest.Digest, input.Job.Facts["manifest digest"]);
        Assert.Equal("spectral-gaussian(v=0.25,alpha=3.5)", input.Job.Facts["model"]);
        Assert.Equal("ffhq-val-1k", input.Job.Facts["split"]);
        Assert.Contains("runs", input.Job.Spec);
        var html = File.ReadAllText(new ReportBuilder(new ReportOptions { Plots = false }).Write(input, Path.Combine(root, "r")).Html);
        Assert.Contains(manifest.Digest, html);
        Assert.Contains(manifest.SoftwareVersion, html);
    }

    [Fact]
    public void AnUnreadableRecordIsAFailedItemNamingTheFileAndTheRestStillReads()
    {
        var root = StoredJob.NewTempDir();
        var job = Job(root);
        var stem = job.ItemPath("spgd-n1-noadm", "inpainting_random", "00000", 0);
        File.WriteAllText(stem + ".json", "{ not json");
        var input = JobResultsReader.Read(job.Folder);
        Assert.Equal(9, input.Items.Count);
        var bad = Assert.Single(input.Items, i => i.ItemId == "spgd-n1-noadm/inpainting_random/00000-run0");
        Assert.True(bad.Failed);
        Assert.StartsWith(JobResultsReader.UnreadableRecord + ": ", bad.Error);
        Assert.Contains("00000-run0.json", bad.Error);
        Assert.Equal(("inpainting_random", "00000", 0, "spgd-n1-noadm"), (bad.Task, bad.ImageId, bad.Run, bad.Method));
        var markdown = File.ReadAllText(new ReportBuilder(new ReportOptions { Plots = false }).Write(input, Path.Combine(root, "r")).Markdown);
        Assert.Contains("spgd-n1-noadm/inpainting_random/00000-run0", markdown);
        Assert.Throws<DirectoryNotFoundException>(() => JobResultsReader.Read(Path.Combine(job.Folder, "missing")));
    }

    [Fact]
    public void ItemsTheManifestExpectsWithoutARecordAreCountedAndListedAsMissing()
    {
        var root = StoredJob.NewTempDir();
        var job = Job(root);
        var missing = "spgd-n5-b0.95-adm/super_resolution/00001-run0";
        File.Delete(job.ItemPath("spgd-n5-b0.95-adm", "super_resolution", "00001", 0) + ".json");
        var expected = new[] { "spgd-n5-b0.95-adm", "spgd-n1-noadm" }
            .SelectMany(p => new[] { "inpainting_random", "super_resolution" }.SelectMany(t => new[] { "00000", "00001" }.Select(i => $"{p}/{t}/{i}-run0")))
            .Append("spgd-n1-noadm/super_resolution/00002-run0");
        new global::Spgd.Evaluation.Manifests.DatasetManifest
        {
            Entries = [new("00000.png", 10, new string('a', 64)), new("00001.png", 12, new string('b', 64)), new("00002.png", 12, new string('c', 64))],
            Model = "spectral-gaussian(v=0.25,alpha=3.5)",
            Seeds = expected.ToDictionary(id => id, _ => 1UL),
        }.Save(Path.Combine(job.Folder, "summary", "manifest.json"));

        var input = JobResultsReader.Read(job.Folder);
        var item = Assert.Single(input.Items, i => i.ItemId == missing);
        Assert.Equal(JobResultsReader.MissingRecord, item.Error);
        Assert.Equal((Spgd, "super_resolution", "00001"), (item.Method, item.Task, item.ImageId)); // labelled as its point's other items
        Assert.Equal(9, input.Items.Count);
        var markdown = File.ReadAllText(new ReportBuilder(new ReportOptions { Plots = false }).Write(input, Path.Combine(root, "r")).Markdown);
        Assert.Contains($"| {missing} | {Spgd} | {JobResultsReader.MissingRecord} |", markdown);
    }
}
