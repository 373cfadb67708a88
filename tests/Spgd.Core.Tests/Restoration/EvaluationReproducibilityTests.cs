using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using Spgd.Evaluation.Manifests;
using Spgd.Evaluation.Summaries;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Restoration;

/// <summary>
/// A miniature evaluation job run from its manifest alone (images, model, per-item seeds): running it again from the
/// saved manifest must reproduce every per-image number bit for bit on the same hardware and software.
/// </summary>
public class EvaluationReproducibilityTests
{
    private const string Task = TaskNames.InpaintingRandom;
    private const int Size = 32, Runs = 2;
    private static readonly SpgdOptions Sampler = new() { Steps = 6, Warmup = 2 };
    private static readonly SpectralGaussianPrior Prior = SpectralGaussianPrior.Default;

    [Fact]
    public void Rerunning_a_job_from_its_manifest_reproduces_every_per_image_number_exactly()
    {
        string[] images = ["00000.png", "00001.png", "00002.png"];
        var seeds = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var image in images)
        for (var run = 0; run < Runs; run++)
            seeds[ItemId(image, run)] = ItemSeed.Derive(2024, Path.GetFileNameWithoutExtension(image), Task, run);
        var manifest = new DatasetManifest
        {
            Entries = ManifestEntries.FromFolder(TestPaths.FfhqDemo, images),
            Model = ModelDigest.SpectralGaussian(Prior.Variance, Prior.Alpha),
            Spec = $$"""{"task":"{{Task}}","size":{{Size}},"runs":{{Runs}},"steps":{{Sampler.Steps}},"warmup":{{Sampler.Warmup}}}""",
            Seeds = seeds,
            Source = TestPaths.FfhqDemo,
        };
        var path = Path.Combine(TestPaths.NewTempDir("spgd-repro"), "manifest.json");
        manifest.Save(path);

        var first = RunJob(manifest);
        var reloaded = DatasetManifest.Load(path);
        Assert.True(ManifestVerifier.Verify(reloaded, reloaded.Source!).IsMatch);
        var second = RunJob(reloaded);

        Assert.Equal(first, second); // record equality: every PSNR compared exactly
        Assert.Equal(images.Length * Runs, first.Count);
        Assert.Equal(6, first.Select(r => r.Psnr).Distinct().Count()); // the numbers are real, not a constant
        Assert.Equal(TaskSummaryBuilder.Build(Task, manifest.Digest, first).ToJson(), TaskSummaryBuilder.Build(Task, reloaded.Digest, second).ToJson());
    }

    private static string ItemId(string image, int run) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(image)}/{Task}/{run}");

    private static List<ItemRecord> RunJob(DatasetManifest manifest)
    {
        var restorer = new Restorer(Prior, CPU);
        var records = new List<ItemRecord>();
        foreach (var entry in manifest.Entries)
        for (var run = 0; run < Runs; run++)
        {
            using var scope = NewDisposeScope();
            var clean = ImageIO.Load(Path.Combine(manifest.Source!, entry.Name), Size);
            var id = ItemId(entry.Name, run);
            using var result = restorer.Restore(new RestorationRequest(clean, new OperatorSettings(Task, 0.05), Sampler, manifest.Seeds[id]));
            // PSNR on the [0, 1] scale: images live in [−1, 1], so halve the error.
            var mse = ((result.Restored.clamp(-1, 1) - clean) / 2).square().mean().item<float>();
            records.Add(new ItemRecord(id, Path.GetFileNameWithoutExtension(entry.Name), run, 10 * Math.Log10(1 / (double)mse), null));
        }

        return records;
    }
}
