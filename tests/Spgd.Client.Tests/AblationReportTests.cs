using System.Globalization;
using System.Text.Json;
using Spgd.Client.Commands;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;
using Spgd.Grains.Restoration;
using Spgd.Contracts.Sweeps;
using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;
using Spgd.Core.Imaging;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using Spgd.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Client.Tests;

/// <summary>
/// The paper's Table 2 ablation (warm-up × ADM) end to end at demo scale: a sweep's grid points restore real FFHQ
/// photos with the spectral prior, the items are stored in the cluster's layout, and <c>spgd report</c> turns them into
/// the report. Set SPGD_REPORT_KEEP to a folder to keep the stored job and report (e.g. for scripts/screenshot-report.sh).
/// </summary>
public class AblationReportTests(ITestOutputHelper output)
{
    private const string Task = TaskNames.InpaintingRandom;

    private static readonly JobDefinition Job = new()
    {
        Dataset = new DatasetRef(), Model = new ModelRef(), Tasks = [new TaskSettings { Name = Task }], Sampler = new SamplerParams { LearningRate = 1.0 },
    };

    [Fact]
    public void WarmupTimesAdmAblationReportsTheStoredNumbers()
    {
        var root = Environment.GetEnvironmentVariable("SPGD_REPORT_KEEP") is { Length: > 0 } keep ? Path.GetFullPath(keep) : TestPaths.NewTempDir("spgd-ablation");
        var jobFolder = Path.Combine(root, "store", "jobs", "table2-demo");
        var sweep = new SamplerSweep { Warmup = [1, 5], Adm = [false, true], Steps = [12] };
        var points = SweepExpander.Points(sweep);
        var images = Directory.EnumerateFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).Take(2).ToList();
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        var psnrs = new Dictionary<string, List<double>>();

        foreach (var item in SweepExpander.Expand(sweep, images.Select(Path.GetFileNameWithoutExtension).ToList()!, [Task], runs: 1))
        {
            using var clean = ImageIO.Load(images.Single(f => Path.GetFileNameWithoutExtension(f) == item.ImageId), 64);
            var options = CoreSettings.ToSampler(RecipeResolver.Resolve(Job, Job.Tasks[0], item.Point));
            var seed = ItemSeed.Derive(7, item.ImageId, item.Task, item.Run);
            using var trace = new StepTrace(clean);
            using var result = restorer.Restore(new RestorationRequest(clean, new OperatorSettings(Task, 0.05), options, seed), trace.OnStep, diagnostics: trace);
            using var restored = result.Restored.clamp(-1, 1);
            var mse = ((restored - clean) / 2).square().mean().item<float>();
            var psnr = -10 * Math.Log10(mse + 1e-8);
            psnrs.TryAdd(item.Point.Label, []);
            psnrs[item.Point.Label].Add(psnr);

            var stem = Path.Combine(jobFolder, "items", item.ItemId);
            Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(new
            {
                itemId = item.ItemId, task = item.Task, imageId = item.ImageId, run = item.Run, kind = "Succeeded", method = item.Point.Label,
                metrics = new { psnr, ssim = 0.5 }, networkEvaluations = result.NetworkEvaluations, device = "cpu", seed,
            }));
            ImageIO.SavePng(restored, stem + ".png");
            ImageIO.SavePng(result.Measurement.clamp(-1, 1), stem + ".measurement.png");
            ImageIO.SavePng(clean, stem + ".clean.png");
            File.WriteAllText(stem + ".steps.json", trace.ToJson());
            Assert.Equal(item.Point.NetworkEvaluationsPerImage, result.NetworkEvaluations);
        }
        File.WriteAllText(Path.Combine(jobFolder, "grid.json"), JsonSerializer.Serialize(points.Select(p => p.Label)));
        File.WriteAllText(Path.Combine(jobFolder, "spec.yaml"), "sweep:\n  steps: [12]\n  warmup: [1, 5]\n  adm: [false, true]\n");
        File.WriteAllText(Path.Combine(jobFolder, "facts.json"), JsonSerializer.Serialize(new Dictionary<string, string> { ["model"] = SpectralGaussianPrior.Default.Description }));

        var reportDir = Path.Combine(root, "report");
        Assert.Equal(0, ReportCommand.Create().Parse(["table2-demo", "--store", Path.Combine(root, "store"), "--out", reportDir]).Invoke());
        var markdown = File.ReadAllText(Path.Combine(reportDir, "report.md"));
        var html = File.ReadAllText(Path.Combine(reportDir, "report.html"));
        foreach (var point in points)
        {
            var mean = psnrs[point.Label].Average().ToString("0.00", CultureInfo.InvariantCulture);
            output.WriteLine($"{point.Label}: PSNR {mean} dB, NFE {point.NetworkEvaluationsPerImage}");
            Assert.Contains(mean, markdown);
            Assert.Contains($">{mean}</td>", html);
            Assert.Contains(point.Label, html);
        }
        Assert.True(File.Exists(Path.Combine(reportDir, "figures", "grid-inpainting_random.png")));
        Assert.True(File.Exists(Path.Combine(reportDir, "figures", "angle-ld-inpainting_random.png")));
        Assert.True(File.Exists(Path.Combine(reportDir, "figures", "x0hat-psnr-inpainting_random.png")));
    }
}
