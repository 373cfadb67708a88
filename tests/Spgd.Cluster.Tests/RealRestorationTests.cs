using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Cluster.Tests;

/// <summary>Jobs that really restore images (spectral prior, 64², T = 4, N = 2) on CPU compute silos.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RealRestorationTests
{
    private static Task<SpgdTestCluster> StartAsync()
    {
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        return SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "cpu", Slots = 1 }, new DeviceOptions { Device = "cpu", Slots = 1 }, null],
            (_, sp) => new CoreWorkItemRunner(models, metrics));
    }

    [Fact]
    public async Task Restored_images_are_bit_identical_to_calling_core_directly()
    {
        await using var cluster = await StartAsync();
        var definition = TestJobs.Demo(images: 8, taskCount: 3, steps: 4, warmup: 2);
        await cluster.Client.GetGrain<IJobGrain>("real-a").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("real-a", TimeSpan.FromMinutes(3));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(24, status.Succeeded);
        Assert.All(cluster.Log.Executions, e => Assert.Contains(e.Silo, new[] { "Silo_0", "Silo_1" }));
        foreach (var task in definition.Tasks)
        {
            Assert.Equal(8, (await cluster.Client.GetGrain<IAggregatorGrain>($"real-a/{task.Name}").GetSummaryAsync()).Count);
            for (var i = 0; i < 8; i++)
            {
                var imageId = $"demo-{i:D3}";
                var itemId = ItemKeys.ItemId(task.Name, imageId, 0);
                using var scope = NewDisposeScope();
                var clean = SpectralGaussianPrior.Default.Sample(1, 64, ItemSeed.Derive(0, imageId, "spectral-demo", 0)).clamp(-1, 1);
                var seed = ItemSeed.Derive(definition.Seed, imageId, task.Name, 0);
                using var direct = new Restorer(SpectralGaussianPrior.Default, CPU)
                    .Restore(new RestorationRequest(clean, new OperatorSettings(task.Name),
                        new SpgdOptions { Steps = 4, Warmup = 2, LearningRate = TaskLearningRates.For(task.Name) }, seed));
                var expected = ImageIO.EncodePng(direct.Restored.clamp(-1, 1));
                var actual = cluster.Store.Bytes(ItemKeys.RestoredPng("real-a", itemId));
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{itemId}: restored PNG differs from Core's");
                var record = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("real-a", itemId)), ItemJson.Options)!;
                Assert.Equal(seed, record.Seed);
                Assert.Equal(8, record.NetworkEvaluations);
            }
        }
    }

    [Fact]
    public async Task Undecodable_dataset_files_fail_once_with_their_reason_non_images_are_no_items_and_the_job_completes()
    {
        var dir = TestPaths.NewTempDir("spgd-bad-dataset");
        var good = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().Take(2).ToList();
        foreach (var f in good) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var bytes = File.ReadAllBytes(good[0]);
        File.WriteAllBytes(Path.Combine(dir, "truncated.png"), bytes[..200]);
        File.WriteAllBytes(Path.Combine(dir, "corrupt.png"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image"); // skipped (named in the manifest), not an item

        await using var cluster = await StartAsync();
        var definition = TestJobs.Demo(images: 1, taskCount: 1, steps: 4, warmup: 2) with
        {
            Dataset = new DatasetRef { Kind = DatasetKind.Folder, Path = dir, Size = 64, Label = "bad" },
        };
        await cluster.Client.GetGrain<IJobGrain>("real-d").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("real-d", TimeSpan.FromMinutes(3));

        Assert.Equal(JobState.CompletedWithFailures, status.State);
        Assert.Equal(2, status.Succeeded);
        Assert.Equal(2, status.Failed); // notes.txt is no image: not an item (as the spec validator and the manifest count)
        Assert.Equal(0, status.Retries);
        var summary = JsonSerializer.Deserialize<TaskSummary>(cluster.Store.Text(ItemKeys.TaskSummary("real-d", "inpainting_random")), ItemJson.Options)!;
        Assert.Equal(4, summary.Count);
        Assert.Equal(2, summary.Psnr!.Count);
        Assert.Equal(["inpainting_random/corrupt-run0", "inpainting_random/truncated-run0"],
            summary.Failures.Select(f => f.ItemId).Order());
        Assert.Contains("\"notes.txt\"", cluster.Store.Text(ItemKeys.Manifest("real-d")));
        foreach (var failure in summary.Failures)
        {
            Assert.Contains(failure.ItemId.Split('/')[1].Replace("-run0", ""), failure.Reason);
            Assert.Equal(1, cluster.Log.AttemptsOf(failure.ItemId));
        }
        Assert.Contains("inpainting_random: 2 of 4 items failed", cluster.Store.Text(ItemKeys.EvaluationMarkdown("real-d")));
    }
}
