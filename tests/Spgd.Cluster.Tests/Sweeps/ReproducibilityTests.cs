using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Contracts.Sweeps;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Sweeps;

/// <summary>
/// A job records what it evaluated (the manifest) and re-running its spec reproduces every per-image number; named
/// splits refuse missing files; best-of-K is recorded in the summaries (spectral prior, 32², T = 3).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReproducibilityTests
{
    private static Task<SpgdTestCluster> StartAsync()
    {
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        return SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "cpu", Slots = 2 }, null],
            (_, sp) => new CoreWorkItemRunner(models, metrics));
    }

    private static string TwoPhotos()
    {
        var dir = TestPaths.NewTempDir("spgd-repro");
        foreach (var f in Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().Take(2)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    private static JobDefinition Job(string folder, int runs = 1, int? bestOf = null) => JobSpecMapper.ToDefinition(new JobSpec
    {
        Dataset = new DatasetSpec { Folder = folder, ImageSize = 32 },
        Tasks = [new TaskSpec { Name = "inpainting_random", Sampler = new SamplerParams { Steps = 3, Warmup = 2 }, BestOf = bestOf }],
        Runs = runs,
        Seed = 5,
        Sweep = new SamplerSweep { Adm = [true, false] },
    });

    private static string[] ItemValues(SpgdTestCluster cluster, string job) =>
        cluster.Store.List($"jobs/{job}/items/").Where(k => k.EndsWith("-run0.json", StringComparison.Ordinal) || k.EndsWith("-run1.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(k => JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(k), ItemJson.Options)!)
            .Select(o => $"{o.ItemId} {o.Method} {o.Seed} {o.Metrics!.Psnr:R} {o.Metrics.Ssim:R} {o.NetworkEvaluations}")
            .ToArray();

    private static string[] CsvValues(SpgdTestCluster cluster, string job, GridPoint point) =>
        cluster.Store.Text(ItemKeys.CellFolder(job, "inpainting_random", point.Key) + "/metrics.csv").Split('\n')
            .Select(line => string.Join(',', line.Split(',').Take(6))).ToArray(); // item … ssim; seconds/silo vary

    [Fact]
    public async Task Rerunning_a_spec_reproduces_every_number_and_the_manifest_digest_and_a_changed_image_changes_it()
    {
        var folder = TwoPhotos();
        await using var cluster = await StartAsync();
        var definition = Job(folder);
        foreach (var job in new[] { "repro-a", "repro-b" })
        {
            await cluster.Client.GetGrain<IJobGrain>(job).SubmitAsync(definition);
            Assert.Equal(JobState.Completed, (await cluster.WaitForEndAsync(job, TimeSpan.FromMinutes(3))).State);
        }

        var a = DatasetManifest.Load(cluster.Store.PathOf(ItemKeys.Manifest("repro-a")));
        var b = DatasetManifest.Load(cluster.Store.PathOf(ItemKeys.Manifest("repro-b")));
        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(Directory.GetFiles(folder).Select(Path.GetFileName).Order(), a.Entries.Select(e => e.Name));
        Assert.Equal(ModelDigest.SpectralGaussian(0.25, 3.5), a.Model);
        Assert.Equal(4, a.Seeds.Count); // 2 points × 2 images, same seed per (image, task, run) at each point
        Assert.Equal(2, a.Seeds.Values.Distinct().Count());
        Assert.Equal(ItemValues(cluster, "repro-a"), ItemValues(cluster, "repro-b"));
        Assert.Equal(4, ItemValues(cluster, "repro-a").Length);
        foreach (var point in definition.Grid!) Assert.Equal(CsvValues(cluster, "repro-a", point), CsvValues(cluster, "repro-b", point));

        var summary = JsonSerializer.Deserialize<TaskSummary>(
            cluster.Store.Text(ItemKeys.CellFolder("repro-a", "inpainting_random", definition.Grid![0].Key) + "/summary.json"), ItemJson.Options)!;
        Assert.Equal(a.Digest, summary.ManifestDigest);
        Assert.Contains(a.Digest, cluster.Store.Text(ItemKeys.EvaluationMarkdown("repro-a")));
        Assert.Contains(a.Digest, cluster.Store.Text(ItemKeys.EvaluationJson("repro-a")));
        Assert.True(ManifestVerifier.Verify(a, folder).IsMatch);

        // One changed byte in one image: a new digest for a new job, and verify names the file.
        var first = Directory.GetFiles(folder).Order().First();
        var bytes = File.ReadAllBytes(first);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(first, bytes);
        var report = ManifestVerifier.Verify(a, folder);
        Assert.False(report.IsMatch);
        Assert.Contains(Path.GetFileName(first), report.Describe());
        await cluster.Client.GetGrain<IJobGrain>("repro-c").SubmitAsync(definition);
        await cluster.WaitForEndAsync("repro-c", TimeSpan.FromMinutes(3));
        Assert.NotEqual(a.Digest, DatasetManifest.Load(cluster.Store.PathOf(ItemKeys.Manifest("repro-c"))).Digest);
    }

    [Fact]
    public async Task A_split_with_missing_files_is_refused_with_the_list()
    {
        var folder = TwoPhotos();
        foreach (var f in Directory.GetFiles(folder)) File.Delete(f);
        for (var i = 0; i < 998; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D5}.png"), [1]);
        await using var cluster = await StartAsync();
        var definition = Job(folder) with { Dataset = Job(folder).Dataset with { Split = "ffhq-val-1k" } };

        var status = await cluster.Client.GetGrain<IJobGrain>("split-a").SubmitAsync(definition);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("00998.png", status.Error);
        Assert.Contains("00999.png", status.Error);
        Assert.Equal(0, status.Total);
        Assert.False(cluster.Store.Exists(ItemKeys.Manifest("split-a")));
    }

    [Fact]
    public void The_spec_validator_checks_split_and_best_of()
    {
        var problems = JobSpecValidator.Validate(new JobSpec
        {
            Dataset = new DatasetSpec { Builtin = "spectral-demo", Count = 1, Split = "ffhq-val-1k" },
            Tasks = [new TaskSpec { Name = "inpainting_random", BestOf = 3 }],
            Runs = 2,
        });
        Assert.Contains(problems, p => p.Contains("dataset.split"));
        Assert.Contains(problems, p => p.Contains("tasks[0].best_of") && p.Contains("1..runs (2)"));
    }

    [Fact]
    public async Task Best_of_k_is_recorded_in_the_summary_and_the_table()
    {
        await using var cluster = await StartAsync();
        var definition = Job(TwoPhotos(), runs: 2, bestOf: 2) with { Grid = null };
        await cluster.Client.GetGrain<IJobGrain>("best-a").SubmitAsync(definition);
        Assert.Equal(JobState.Completed, (await cluster.WaitForEndAsync("best-a", TimeSpan.FromMinutes(3))).State);

        var text = cluster.Store.Text(ItemKeys.TaskSummary("best-a", "inpainting_random"));
        var summary = JsonSerializer.Deserialize<TaskSummary>(text, ItemJson.Options)!;
        Assert.Equal(2, summary.BestOf);
        using var document = JsonDocument.Parse(text);
        var statistics = document.RootElement.GetProperty("statistics");
        Assert.Equal(2, statistics.GetProperty("bestOf").GetProperty("k").GetInt32());
        Assert.StartsWith("best of 2 runs per image by", statistics.GetProperty("aggregation").GetString());
        Assert.Contains("best of 2 runs", cluster.Store.Text(ItemKeys.EvaluationMarkdown("best-a")));

        // The table's numbers are the best-of-K statistics, from the same code path as summary.json's.
        var psnr = statistics.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "psnr");
        Assert.Equal(psnr.GetProperty("mean").GetDouble(), summary.Psnr!.Mean);
        Assert.Equal(2, summary.Psnr.Count);
        var perImageBest = cluster.Store.Text(ItemKeys.TaskMetricsCsv("best-a", "inpainting_random")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',')).GroupBy(f => f[1]).Select(g => g.Max(f => double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(perImageBest.Average(), summary.Psnr.Mean, 9);
    }
}
